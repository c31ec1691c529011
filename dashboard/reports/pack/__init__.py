"""The meeting pack, built on the server and offline: model (content), charts, pdf, excel."""
