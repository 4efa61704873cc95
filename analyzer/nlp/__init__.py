"""spaCy layer: model resolution and the registered tone/blame span components.

``nlp`` and ``model`` never read files of the drop or write outputs.
"""
