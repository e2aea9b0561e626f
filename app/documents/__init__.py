"""Documents made from the store: each reads the domain objects it needs from an open store,
draws them with ``app/reports`` and is delivered with its audit event (app/store/printing.py).

One layer between the store and reports below and the command line and the window above
(docs/architecture.md): ``rpr report`` and the window's "Save as PDF" run the same code. No Qt,
no SQL of its own (it reads through the store's API).
"""
