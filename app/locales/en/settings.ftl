# The display settings page.
settings-title = Display settings
settings-saved = Your display settings are saved for this browser.
settings-intro = These settings apply to every page in this browser, including during your exam. They do not change your exam time; approved accommodations such as extra time are set by program staff.
settings-language = Language of the pages
settings-colours = Colours
theme-standard = Standard (dark text on white)
theme-contrast = High contrast (white and yellow on black)
theme-dark = Dark (light text on dark grey)
settings-text-size = Text size
settings-size-standard = 100 % (standard)
settings-reading-aids = Reading aids
settings-line-focus = Line focus: a thick band marks the answer option you are on, and question text gets more space between lines
settings-reduce-motion = Reduce motion: no animations or smooth scrolling
settings-back = Go back without saving
settings-save = Save and go back
