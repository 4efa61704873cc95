"""The department report: counting each message once, trends, target alerts, charts and the HTML page.

Pure functions over DataFrames and renderers; reading the output folder is
``analyzer.engine.report``'s job.
"""
