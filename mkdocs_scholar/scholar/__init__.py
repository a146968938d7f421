"""The citation engine: BibTeX loading, CSL formatting, per-page citation state.

Free of MkDocs and of Liquid: it imports nothing of ours but itself.
"""
