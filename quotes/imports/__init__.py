"""Everything that brings outside data in: article files, ClaimReview, LIAR, Climate-FEVER.

The management commands and the import form are thin: they read their input through
`read_text`, hand it to an importer here, and report what it says. Importers raise
`ImportRefused` for input they cannot use, before writing anything.
"""
