"""A screening's short reference (issue 23, item 2): random, eight characters with no
look-alikes, read back however it is typed, and nothing that cannot be one read as one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screener.reference_codes import (
    ALPHABET,
    EXAMPLE,
    LENGTH,
    NotAReference,
    grouped,
    new_reference_code,
    numbered_reference_code,
    read_reference_code,
)

LOOK_ALIKES = ("0", "O", "Q", "1", "I", "L", "2", "Z", "5", "S", "6", "G", "8", "B", "U", "V")
codes = st.text(alphabet=ALPHABET, min_size=LENGTH, max_size=LENGTH)


def test_the_alphabet_has_no_look_alikes_and_no_repeats():
    assert not set(LOOK_ALIKES) & set(ALPHABET)
    assert len(set(ALPHABET)) == len(ALPHABET) == 20
    assert ALPHABET.isupper() and ALPHABET.isalnum() and ALPHABET.isascii()


def test_a_new_reference_is_eight_characters_of_the_alphabet_and_random():
    drawn = {new_reference_code() for _ in range(200)}
    assert len(drawn) == 200  # 20**8 of them: a repeat here would mean they are not random
    assert all(len(code) == LENGTH and set(code) <= set(ALPHABET) for code in drawn)


def test_the_example_is_a_reference():
    assert grouped(read_reference_code(EXAMPLE)) == EXAMPLE


@given(codes)
def test_a_grouped_reference_reads_back_as_itself(code):
    shown = grouped(code)
    assert shown == f"{code[:4]} {code[4:]}"
    assert read_reference_code(shown) == code


@given(codes, st.lists(st.sampled_from([" ", "-", "\u2013", "\t"]), max_size=LENGTH + 1),
       st.randoms(use_true_random=False))
def test_case_spaces_and_hyphens_make_no_difference(code, separators, random):
    typed = list(code.lower() if random.random() < 0.5 else code)
    for separator in separators:
        typed.insert(random.randint(0, len(typed)), separator)
    assert read_reference_code("".join(typed)) == code


@given(codes, st.integers(0, LENGTH - 1), st.sampled_from(LOOK_ALIKES))
def test_a_look_alike_is_refused_by_name_never_read_as_another_character(code, at, look_alike):
    typed = code[:at] + look_alike + code[at + 1:]
    with pytest.raises(NotAReference) as refused:
        read_reference_code(typed)
    assert refused.value.kind == "unused" and refused.value.characters == look_alike
    with pytest.raises(NotAReference):
        read_reference_code(typed.lower())


@pytest.mark.parametrize(("typed", "kind", "count"), [
    ("", "empty", 0), (" - ", "empty", 0),
    ("KD7P3XH", "length", 7), ("KD7P 3XHMA", "length", 9), ("K" * 500, "length", 500),
    ("KD7P/3XHM", "characters", 0), ("KD7P_3XHM", "characters", 0),
    ("<script>", "characters", 0), ("KD7P 3XH\u00c9", "characters", 0),
    ("KD7P 3XH\ufb00", "characters", 0),  # "ﬀ".upper() would be "FF"
])
def test_what_cannot_be_a_reference_says_why(typed, kind, count):
    with pytest.raises(NotAReference) as refused:
        read_reference_code(typed)
    assert (refused.value.kind, refused.value.count) == (kind, count)


@given(st.text(max_size=40))
def test_anything_typed_is_read_as_a_reference_or_refused_never_an_error(typed):
    try:
        code = read_reference_code(typed)
    except NotAReference:
        return
    assert len(code) == LENGTH and set(code) <= set(ALPHABET)


@given(st.integers(0, len(ALPHABET) ** LENGTH - 1), st.integers(0, len(ALPHABET) ** LENGTH - 1))
def test_numbered_references_for_bulk_loads_are_distinct_references(one, other):
    assert read_reference_code(numbered_reference_code(one)) == numbered_reference_code(one)
    assert (numbered_reference_code(one) == numbered_reference_code(other)) == (one == other)


def test_there_are_only_so_many_numbered_references():
    assert numbered_reference_code(0) == ALPHABET[0] * LENGTH
    with pytest.raises(ValueError):
        numbered_reference_code(len(ALPHABET) ** LENGTH)
