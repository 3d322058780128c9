"""Backing up and restoring a workspace losslessly, history chain included.

- archive.py: `export_workspace` writes every row and file of a workspace,
  hashed; `import_archive` restores it with the same ids into a database
  without them.
- new_workspace.py: `import_as_new_workspace` copies an archive beside
  existing data under new ids, its history verified against the archive's
  chain and re-chained.
- packed.py: the same directory as one ZIP, made in a job for the export page's
  download and kept a while; `unpacked` gives import_archive the directory inside one.

These restore rows and their history as they were, in bulk: the one place
outside the unit-of-work writers that writes tracked tables, because what it
writes is history already recorded elsewhere, verified before it is written.
"""
