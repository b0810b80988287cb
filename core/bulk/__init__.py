"""Bulk import of a plugin's records from CSV and XLSX files: read, map, check, preview, load as a job.

The pieces, each usable alone (the catalogue import of the orders plugin uses
only :mod:`.reading` and :mod:`.columns`):

* :mod:`.reading` turns an uploaded file into rows of text, or refuses it
  with a message and a 4xx status (never a 500);
* :mod:`.columns` compares headers the way people write them and reads
  choices written as a key or as their label in any language;
* :mod:`.spec` is what a plugin declares: an :class:`~.spec.Importer` with its
  fields, its row check and its batch writer;
* :mod:`.runs` keeps an upload between its steps (``core_import_run``), the
  dealer's remembered column mapping (``core_import_mapping``) and the
  progress the page polls;
* :mod:`.load` runs the check and, once confirmed, the load (one transaction,
  in batches) as background tasks;
* :mod:`.insert` is the entity write path for many rows (``create_entities``)
  and the one-query key look-up (``rows_with``);
* :mod:`core.web.bulk` builds the routes a plugin mounts (upload, mapping, preview,
  confirmation, progress).
"""
