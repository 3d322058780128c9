from archive.core.compiled import import_sources_of_stale

# Before any module of the app is imported: a compiled module older than its source is not used.
import_sources_of_stale()
