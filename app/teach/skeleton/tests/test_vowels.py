from vowels import count_vowels


def test_counts_the_vowels_of_a_word():
    """count_vowels("Banana") gives 3"""
    assert count_vowels("Banana") == 3, 'count_vowels("Banana") should be 3'


def test_capital_vowels_count_too():
    """count_vowels("AEIOU") gives 5"""
    assert count_vowels("AEIOU") == 5, "capital vowels count too: AEIOU has 5"


def test_no_vowels_gives_zero():
    """count_vowels("rhythm") gives 0"""
    assert count_vowels("rhythm") == 0, 'count_vowels("rhythm") should be 0'
