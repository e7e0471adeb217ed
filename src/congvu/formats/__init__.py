"""Number formats Django's locale data leaves out (FORMAT_MODULE_PATH).

Django's Vietnamese formats set no digit grouping, so "100000 đồng" was shown
where a citizen reads "100.000 đồng". Only the settings named here override
Django's own; dates keep Django's formats.
"""
