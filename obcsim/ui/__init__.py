"""The user interfaces: the `obcsim` command and the Streamlit app (thin: they compute nothing)."""
