"""Options are shown shuffled, the same way each time a question is shown in the same place."""

from __future__ import annotations

from collections import Counter
from itertools import permutations

from bot.bank import Question
from bot.quiz.common import choice_buttons, option_order
from bot.registry import parse_action_id


def test_every_order_of_four_options_is_about_as_likely() -> None:
    orders = Counter(tuple(option_order(f"quiz-answer:{n}:0:q", 4)) for n in range(24_000))
    assert set(orders) == set(permutations(range(4)))
    assert all(800 < seen < 1200 for seen in orders.values())  # 1,000 each if uniform


def test_the_same_seed_gives_the_same_order_and_others_differ() -> None:
    assert option_order("quiz-answer:7:2:q", 5) == option_order("quiz-answer:7:2:q", 5)
    assert sorted(option_order("quiz-answer:7:2:q", 5)) == list(range(5))
    orders = {tuple(option_order(f"quiz-answer:7:{position}:q", 5)) for position in range(10)}
    assert len(orders) > 5


def test_each_button_carries_its_options_index_in_the_bank() -> None:
    question = Question.model_validate(
        {
            "id": "opt-test",
            "area": "fundamentals",
            "difficulty": "easy",
            "prompt": "Which is a hyperparameter?",
            "choices": ["Learning rate", "A weight", "A bias", "An activation value"],
            "answer": "Learning rate",
            "explanation": "It is set before training; the others are learned or computed.",
            "key_points": [
                "A hyperparameter is chosen before training.",
                "Weights and biases are learned; activations are computed.",
            ],
        }
    )
    buttons = choice_buttons(question, "quiz-answer", 12, 3)
    assert buttons == choice_buttons(question, "quiz-answer", 12, 3)
    for button in buttons:
        verb, parts = parse_action_id(button.action_id)
        assert (verb, parts[:2]) == ("quiz-answer", ["12", "3"])
        assert question.choices is not None and question.choices[int(parts[2])] == button.label
    assert sorted(b.label for b in buttons) == sorted(question.choices or ())
