"""Groups: the publishers (自治会, NPO, shops, schools, the city) and their editors."""
