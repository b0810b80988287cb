"""Import of products and stock from CSV and XLSX files: read, check, preview, then all rows or none.

:mod:`.reading` turns the file into rows of text (or refuses it, 4xx);
:mod:`.checking` checks each row with the product form's rules against the
catalogue; :mod:`.batches` keeps the upload until it is confirmed and imports
it in one transaction; :mod:`.pages` are the routes under
``/orders/catalogue/import``.
"""
