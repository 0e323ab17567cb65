"""The answering path's plan: a question parsed once (`spec`), a strategy per intent (`strategies`), the
rules each policy runs (`policy`) and the record of which rule decided what (`trace`)."""
