"""The app's funding page: the board picks the strands to fund and their scale, and the funding
model with its terms; it sees, per partner and year, what each pays against what it gains
(cashable or not), the net position with its 90% interval and the chance of ending up worse
off, and the programme's NPV and BCR over the horizon.

Every figure comes from `accounts.funding_choice` (the funded scenario, run with the same seed:
common random numbers keep the strands it funds on the draws of the case on show).
"""

from __future__ import annotations

import streamlit as st

from obcsim.accounts import funding
from obcsim.accounts.funding_choice import Choice, Position, funded, position
from obcsim.model.montecarlo import Draws
from obcsim.outputs import boardcharts, boardview
from obcsim.ui.state import (
    View,
    altair,
    guarded,
    headline,
    recall,
    remember,
    scenario_key,
    simulate,
)
from obcsim.ui.tables_page import stem

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def choose(view: View) -> Choice:
    """The board's choice, from the page's controls."""
    scn = view.scn
    names = [n for n, _ in scn.costed()]
    chosen = st.multiselect(
        "Strands to fund",
        names,
        default=names,
        format_func=boardview.strand_label,
        key="fund_strands",
    )
    scales = {}
    if chosen:
        columns = st.columns(len(chosen))
        for column, name in zip(columns, chosen, strict=True):
            scales[name] = column.number_input(
                f"{boardview.strand_label(name)}: scale",
                min_value=0.1,
                max_value=10.0,
                value=1.0,
                step=0.1,
                format="%.1f",
                key=f"fund_scale:{name}",
                help="1.0 funds the strand as in the scenario; 0.5 half its cohort and its "
                "operating costs (its set-up cost stays)",
            )
    model = st.radio(
        "Funding model",
        list(funding.MODELS),
        format_func=boardview.MODEL_LABELS.get,
        key="fund_model",
    )
    partners = funding.partners(scn)
    shares: dict[str, float] = {}
    attachment, commissioner = None, None
    if model == "pooled":
        st.caption("Each partner's share of the pooled budget, in per cent (adding up to 100).")
        given = scn.finance.pooled_shares
        even = [round(100 / len(partners), 1)] * len(partners)
        even[0] = round(100 - sum(even[1:]), 1)  # equal shares that add up to 100
        columns = st.columns(len(partners))
        for column, agency, split in zip(columns, partners, even, strict=True):
            default = 100 * given.get(agency, 0.0) if given else split
            shares[agency] = (
                column.number_input(
                    f"{boardview.who(agency)} (%)",
                    min_value=0.0,
                    max_value=100.0,
                    value=float(round(default, 1)),
                    step=5.0,
                    format="%.1f",
                    key=f"fund_share:{agency}",
                )
                / 100
            )
        st.caption(f"The shares add up to {100 * sum(shares.values()):.1f}%.")
    if model == "pbr":
        a, b = st.columns(2)
        attachment = (
            a.slider(
                "Paid up front (%)",
                0,
                100,
                round(100 * scn.finance.pbr.attachment_share),
                step=5,
                key="fund_attachment",
                help="The rest is paid per avoided episode, by the partners that benefit",
            )
            / 100
        )
        commissioner = b.selectbox(
            "Commissioner (carries a shortfall)",
            list(scn.agencies),
            index=list(scn.agencies).index(scn.finance.pbr.commissioner),
            format_func=boardview.who,
            key="fund_commissioner",
        )
    return Choice(scales, model, shares, attachment, commissioner)


def result(view: View, choice: Choice) -> tuple[Position, Draws] | None:
    """The funded case's position and draws (cached by scenario, model, runs and seed)."""
    out: tuple[Position, Draws] | None = None
    with guarded():
        scn = funded(view.scn, choice)
        k = (scenario_key(scn), choice.model, view.runs, view.seed)
        out = recall("positions", k)
        if out is None:
            draws = simulate(scn, view.runs, view.seed, "the funded case")
            pos = position(draws, view.settings, choice.model)
            out = remember("positions", k, (pos, draws), view.runs)
    return out


def boardpack_download(view: View, choice: Choice, draws: Draws) -> None:
    """The board pack (PDF and Word) of the funded case, built only when a button is clicked
    (a callable `data`), from the page's own draws, so it prints the page's figures."""
    from obcsim.outputs import boardpack

    terms = {"attachment_share": choice.attachment_share, "commissioner": choice.commissioner}

    def pack() -> boardpack.Pack:
        return boardpack.build(
            view.scn,
            view.settings,
            funding_model=choice.model,
            runs=view.runs,
            seed=view.seed,
            strands=dict(choice.strands),
            shares=dict(choice.shares) or None,
            pbr=terms if choice.model == "pbr" else None,
            draws=draws,
        )

    name = f"board-pack-{choice.model}-{stem(view)}"
    a, b = st.columns(2)
    a.download_button("Board pack (PDF)", lambda: pack().pdf(), f"{name}.pdf", "application/pdf")
    b.download_button("Board pack (Word)", lambda: pack().docx(), f"{name}.docx", DOCX)
    st.caption("A committee report of this case and funding model, to circulate; about 3 s.")


def show(view: View) -> None:
    st.subheader("Who pays? Fund the strands, choose the funding model")
    choice = choose(view)
    found = result(view, choice)
    if found is None:  # refused: the message is on the page
        return
    pos, draws = found
    st.session_state["funding_position"] = pos
    years = pos.programme["years"]
    rate = pos.programme["discount_rate"]
    headline(boardview.programme_headline(pos))
    st.caption(
        f"Present values over {years} years at {rate:.1%} (Green Book), {view.runs:,} "
        f"iterations, seed {view.seed}. Contributions under: {boardview.MODEL_LABELS[pos.model]}."
    )
    st.subheader("What each agency pays and gains (present value)")
    altair(boardcharts.who_pays(pos))
    st.dataframe(boardview.partners_display(pos), hide_index=True)
    st.subheader("Year by year")
    agencies = [a for a in pos.partners.agency if a != "total"]
    paying = [a for a in agencies if a in funding.partners(view.scn)]
    agency = st.selectbox(
        "Agency", [*paying, *[a for a in agencies if a not in paying]], format_func=boardview.who
    )
    wide = {"year": st.column_config.TextColumn(width="medium")}  # "all years (present value)"
    st.dataframe(boardview.years_display(pos, agency), hide_index=True, column_config=wide)
    about = boardview.provenance(
        view.scn, list(view.edits), view.seed, view.runs, view.draws.engine
    )
    st.download_button(
        "Funding position (CSV)",
        lambda: boardview.funding_csv(pos, about),
        f"obcsim-funding-{pos.model}-{stem(view)}.csv",
        "text/csv",
    )
    boardpack_download(view, choice, draws)
