from archive.core.compiled import import_sources_of_stale

# Warrant's version, the one place it is written: pyproject.toml reads it (its version is dynamic),
# captures send it in their User-Agent and name it in their WARC files, exports record it.
__version__ = "0.1.0"
SOFTWARE = f"Warrant/{__version__}"

# Before any module of the app is imported: a compiled module older than its source is not used.
import_sources_of_stale()
