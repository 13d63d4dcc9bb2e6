"""The language codes ``detect_language`` can return: py3langid's classes as ``language._get`` keeps them.

Generated from the model by ``python -m newsetl.extract.language`` (the model is 4.5 MB of xz: reading its
class list costs 0.3 s of CPU, too much for every worker that never needs the detector); a test checks
this set against the model, so an upgraded py3langid fails the tests until the file is regenerated.
"""

DETECTOR_CODES = frozenset({
    "af", "am", "an", "ar", "as", "az", "ba", "be", "bg", "bn", "br", "bs", "ca", "cs", "cy", "da", "de",
    "dz", "el", "en", "es", "et", "eu", "fa", "fi", "fo", "fr", "fy", "ga", "gd", "gl", "gu", "ha", "he",
    "hi", "hr", "ht", "hu", "hy", "id", "ig", "is", "it", "ja", "jv", "ka", "kk", "km", "kn", "ko", "ku",
    "ky", "lb", "lg", "ln", "lo", "lt", "lv", "mg", "mk", "ml", "mn", "mr", "ms", "mt", "my", "ne", "nl",
    "nn", "no", "oc", "om", "or", "pa", "pl", "ps", "pt", "qu", "ro", "ru", "rw", "se", "si", "sk", "sl",
    "sn", "so", "sq", "sr", "st", "sv", "sw", "ta", "te", "tg", "th", "tk", "tl", "tr", "tt", "ug", "uk",
    "ur", "uz", "vi", "vo", "wa", "xh", "yo", "zh", "zu",
})  # fmt: skip
