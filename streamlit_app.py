"""The project board's app. UI only: every figure comes from the obcsim API (obcsim/app.py)."""

from obcsim.app import main

main()
