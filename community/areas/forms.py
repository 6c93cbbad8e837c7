"""Form helpers for choosing an area or a category."""

from wtforms import SelectChoice

from community.areas.services import area_tree, ordered_categories


def area_choices(blank_label: str | None = None) -> list[SelectChoice]:
    """City and wards first, districts grouped under their ward (one query)."""
    choices = [SelectChoice("", blank_label)] if blank_label is not None else []
    for city in area_tree():
        choices.append(SelectChoice(city.area.id, city.area.name))
        for ward in city.children:
            choices.append(SelectChoice(ward.area.id, f"{ward.area.name}（全域）", optgroup=ward.area.name))
            for district in ward.children:
                choices.append(SelectChoice(district.area.id, district.area.name, optgroup=ward.area.name))
    return choices


def category_choices(blank_label: str | None = None) -> list[SelectChoice]:
    choices = [SelectChoice("", blank_label)] if blank_label is not None else []
    return choices + [SelectChoice(c.id, c.name) for c in ordered_categories()]
