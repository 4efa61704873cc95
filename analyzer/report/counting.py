"""Each source message counted once, at its latest version.

A partition holds the files first scored, or re-scored, by the runs of its date;
an earlier partition keeps a re-scored or changed file's old rows as history. A
source file's rows are therefore replaced as a whole: the manifest names the
partition (``run_date``) holding the file's current rows, and rows of that file
in any other partition are earlier versions. Replacing whole files, not single
messages, is what drops a message that disappeared from a changed file.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


def latest_versions(frame: pd.DataFrame, current_run_dates: Mapping[str, str]) -> pd.DataFrame:
    """The rows of ``frame`` (with ``source_path`` and ``run_date`` as ``YYYY-MM-DD``) in their file's current partition.

    ``current_run_dates`` maps a source path to the run date of its current rows
    (the manifest); a file missing from it counts at its latest run date in ``frame``.
    """
    if frame.empty:
        return frame
    run_dates = frame["run_date"].astype(str)
    latest_seen = run_dates.groupby(frame["source_path"]).transform("max")
    named = frame["source_path"].map(dict(current_run_dates)).astype(object)
    current = named.where(named.notna(), latest_seen)
    return frame[run_dates == current.astype(str)]
