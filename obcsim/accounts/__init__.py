"""The accounts: the ledger in the OBC's layout, years and Green Book discounting,
cashability, funding models, appraisal."""
