"""helpers.checks: the exercise machinery must accept right answers and reject wrong ones."""

import numpy as np

from helpers import checks

SQUARE = checks.Exercise(
    name="square", reference=lambda x: x ** 2, arg_names=("x",),
    cases=lambda rng: [(rng.normal(size=3),) for _ in range(5)], hint="multiply x by itself",
)


def stub(x):
    raise NotImplementedError


def test_right_answer_passes():
    result = SQUARE.run(lambda x: x * x)
    assert result and result.status == checks.PASS
    assert result.message.startswith("✅") and "5 hidden cases" in result.message


def test_wrong_answer_fails_with_expected_got_and_hint():
    result = SQUARE.run(lambda x: 2 * x)
    assert not result and result.status == checks.FAIL and result.case == 1
    assert result.message.startswith("❌")
    assert "expected" in result.message and "got" in result.message
    assert "Hint: multiply x by itself" in result.message


def test_stub_reports_not_implemented():
    result = SQUARE.run(stub)
    assert result.status == checks.NOT_IMPLEMENTED and not result
    assert "not implemented yet" in result.message


def test_raising_function_is_reported_not_raised():
    result = SQUARE.run(lambda x: x[10])
    assert result.status == checks.ERROR
    assert "IndexError" in result.message


def test_wrong_shape_fails():
    assert SQUARE.run(lambda x: (x ** 2)[:, None]).status == checks.FAIL


def test_not_callable_is_reported():
    assert SQUARE.run(42).status == checks.ERROR


def test_student_cannot_corrupt_the_reference_inputs():
    def mutating(x):
        x[:] = 0
        return x
    assert SQUARE.run(mutating).status == checks.FAIL  # the reference still saw the real x


def test_check_prints_exactly_one_line(capsys):
    SQUARE.check(stub)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("⏳")


def test_allclose_handles_tuples_and_shapes():
    assert checks.allclose((1.0, np.ones(2)), (1.0, np.ones(2)))
    assert not checks.allclose((1.0, np.ones(2)), (1.0, np.ones(3)))
    assert not checks.allclose(np.ones(2), np.ones(2) + 1e-3)
    assert checks.allclose("a", "a") and not checks.allclose("a", "b")


def test_exercise_without_arguments_has_a_clean_message():
    ex = checks.Exercise(name="answer", reference=lambda: 42, cases=lambda rng: [()])
    assert ex.run(lambda: 42)
    msg = ex.run(lambda: 41).message
    assert msg == "❌ answer: case 1 of 1 failed: expected 42, got 41."
    assert "on input x=" in SQUARE.run(lambda x: 2 * x).message


def test_in_place_mutation_of_an_input_fails_even_when_the_result_is_right():
    def mutating_but_right(x):
        out = x ** 2
        x[:] = 0          # corrupts the caller's array
        return out
    result = SQUARE.run(mutating_but_right)
    assert result.status == checks.FAIL and "changed its input `x` in place" in result.message


def test_a_mutating_reference_cannot_corrupt_the_students_input():
    def ref(x):
        y = x ** 2
        x[:] = -1         # a careless reference: the student must still see the real input
        return y
    ex = checks.Exercise(name="sq", reference=ref, cases=lambda rng: [(np.arange(3.0),)])
    assert ex.run(lambda x: x ** 2).status == checks.PASS


def test_error_names_the_line_in_the_students_function():
    def update(w, x):
        z = w + 1
        return w[7] * x
    ex = checks.Exercise(name="update", reference=lambda w, x: w * x, arg_names=("w", "x"),
                         cases=lambda rng: [(np.ones(2), 2.0)])
    msg = ex.run(update).message
    assert "IndexError" in msg and "line 3 of your `update`: `return w[7] * x`" in msg
    assert "checks.py" not in msg


def test_error_deep_inside_numpy_still_points_at_the_student_line():
    def f(x):
        return np.dot(x, np.ones(5))
    msg = SQUARE.run(f).message
    assert "line 2 of your `f`: `return np.dot(x, np.ones(5))`" in msg


def test_wrong_number_of_arguments_is_said_in_words():
    msg = SQUARE.run(lambda x, y: x * y).message
    assert msg.startswith("❌") and "takes (x, y)" in msg and "1 argument" in msg
    assert "checks.py" not in msg and "line" not in msg


def test_show_expected_false_keeps_the_answer_out_of_the_message():
    secret = checks.Exercise(name="secret", reference=lambda: 123.456, cases=lambda rng: [()],
                             show_expected=False, hint="think about it")
    msg = secret.run(lambda: 1.0).message
    assert msg.startswith("❌") and "123.456" not in msg and "1.0" in msg
    assert "123.456" in SQUARE.__class__(name="s", reference=lambda: 123.456,
                                         cases=lambda rng: [()]).run(lambda: 1.0).message


def test_forbidden_helper_is_swapped_while_the_student_code_runs():
    import helpers.checks as target
    ex = checks.Exercise(name="close", reference=lambda a, b: bool(np.allclose(a, b)),
                         cases=lambda rng: [(np.ones(2), np.ones(2))],
                         forbidden=("helpers.checks:allclose",))
    result = ex.run(lambda a, b: target.allclose(a, b))
    assert result.status == checks.FAIL and "write it yourself" in result.message
    assert ex.run(lambda a, b: bool(np.all(np.abs(a - b) < 1e-9))).status == checks.PASS
    assert target.allclose is checks.allclose and target.allclose(1.0, 1.0), "restored after"


def test_allclose_checks_its_tolerances_and_compares_everything_else_safely():
    import pytest
    import torch

    for rtol, atol, err, name in [(-1, 1e-8, ValueError, "rtol"), (None, 1e-8, TypeError, "rtol"),
                                  (1e-6, np.nan, ValueError, "atol")]:
        with pytest.raises(err, match=rf"^{name} must"):
            checks.allclose(1.0, 1.0, rtol=rtol, atol=atol)
    assert not checks.allclose(1 + 2j, 1 + 3j), "the imaginary part counts"
    assert checks.allclose(torch.ones(2, requires_grad=True), [1.0, 1.0])
    assert not checks.allclose(np.zeros(2), None) and checks.allclose(None, None)
    assert checks.allclose((1, "a"), (1.0, "a")) and not checks.allclose("1.5", 1.5)
