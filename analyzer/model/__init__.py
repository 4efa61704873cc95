"""The tone and blame classifier: features, estimator, label files, artifacts.

``model`` never reads files of the drop or writes run outputs.
"""
