"""Maps: the map views of the event and shop listings, their marker data, and the local gazetteer."""
