VOWELS = set("aeiou")


def count_vowels(text):
    """How many characters of text are vowels (a, e, i, o, u, any case)."""
    count = 0
    for character in text.lower():
        if character in VOWELS:
            count += 1
    return count
