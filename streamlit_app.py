"""The project board's app. UI only: every figure comes from the obcsim API (obcsim/ui/app.py)."""

from obcsim.ui.app import main

main()
