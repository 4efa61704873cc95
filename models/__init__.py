"""The shipped tone models and sentence encoder, installed as the data package ``analyzer.models``.

Nothing to import here: ``analyzer.model.shipped`` finds these folders.
"""
