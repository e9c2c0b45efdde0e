"""What a person does on the class board, as selenium actions shared by the browser tests."""

from __future__ import annotations

from selenium.webdriver.common.action_chains import ActionChains


def drag_to_column(driver, element, column, confidence: float) -> None:
    """Press on the element's centre, drag to `confidence` of the column's height, release."""
    offset = round((0.5 - confidence) * column.size["height"])
    (
        ActionChains(driver)
        .move_to_element(element)
        .click_and_hold()
        .move_by_offset(10, 10)
        .move_to_element(column)
        .move_by_offset(0, offset)
        .release()
        .perform()
    )
