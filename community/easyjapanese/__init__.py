"""やさしい日本語 (easy Japanese): the editor's writing hints, their JSON endpoint and the form fields for it."""
