"""File import of packs and lifecycle events: upload, Celery run, progress, error report.

Modules: `columns` (headers and cell values), `readers` (CSV/XLSX streaming), `codes`
(fast code check and register-event hashing), `packs` and `events` (the two pipelines),
`report` (streamed error report), `services` (upload and run), `selectors`, `samples`
(downloadable templates), `views`, `tasks`.
"""
