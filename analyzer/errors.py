"""Coded, actionable errors shared by every layer.

Each user-facing error says what went wrong and how to fix it. The CLI maps
``AnalyzerError.exit_code`` to the process exit code, so scripts can tell a
usage mistake from a failed run.
"""

from __future__ import annotations

# Process exit codes (documented in the README).
EXIT_OK = 0
EXIT_INPUT_ERRORS = 1  # the run finished, but some inputs could not be read
EXIT_USAGE = 2  # bad option, missing input path, invalid config
EXIT_RUN_FAILED = 3  # the run itself failed (for example the output is not writable)
EXIT_BUSY = 4  # another run holds the output folder's lock


class AnalyzerError(Exception):
    """Base class for errors the user can act on."""

    exit_code = EXIT_RUN_FAILED


class UsageError(AnalyzerError):
    """A mistake in how the tool was called: bad option, missing path."""

    exit_code = EXIT_USAGE


class ConfigError(UsageError):
    """The TOML config is unreadable or holds an invalid value."""


class OutputError(AnalyzerError):
    """The output location cannot be written."""

    exit_code = EXIT_RUN_FAILED


class OutputBusyError(AnalyzerError):
    """Another run is writing to the same output folder."""

    exit_code = EXIT_BUSY


class InputFileError(Exception):
    """One input file (or one record inside it) cannot be read.

    Never stops a run: the engine turns it into one row of the ``errors``
    dataset and goes on with the next file.
    """

    KINDS = {
        "empty": "the file (or record) has no content",
        "too_large": "the file, or one record or part of it, exceeds a [limits] bound (max_file_mb, record_mb, "
                     "header_kb, extracted_chars, docx_uncompressed_mb, docx_elements, pdf_pages)",
        "binary": "the file is binary data in no supported format",
        "undecodable": "the text cannot be decoded in any plausible character set",
        "truncated": "the file ends before its format says it should",
        "malformed": "the file claims a supported format but breaks its rules (or nests JSON deeper than "
                     "[limits] json_depth)",
        "no_text": "the document has no text to read (for example a scanned PDF without a text layer)",
        "unsupported": "the file is a known but unsupported kind (encrypted, legacy format)",
        "unreadable": "the file could not be opened (permissions, I/O error)",
        "not_regular": "not a regular file (a FIFO, device or socket, or a link to one): never opened for reading",
        "outside_root": "a symbolic link to a file outside the input folder, not followed ([input] follow_symlinks)",
        "unscorable": "the record was read but tagging or scoring it failed (a bug to report); the rest of the run goes on",
    }

    def __init__(self, kind: str, message: str, *, offset: int | None = None):
        if kind not in self.KINDS:
            raise ValueError(f"unknown error kind {kind!r}; allowed: {sorted(self.KINDS)}")
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.offset = offset


class SchemaError(AnalyzerError):
    """Rows do not match an output dataset's declared schema; nothing is written."""

    exit_code = EXIT_RUN_FAILED
