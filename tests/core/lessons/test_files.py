"""Lesson files are untrusted: each problem is one LessonError naming the file and
the field, and the shipped lessons follow the lecture, topic by topic."""

from __future__ import annotations

import copy
import json

import pytest

from core.lessons import LESSONS_DIR, SECTIONS, LessonError, load_lesson, load_lessons, parse_lesson
from core.lessons.files import MAX_LESSON_BYTES, lesson_files

GOOD = json.loads((LESSONS_DIR / "26_batch_norm.json").read_text())
LAB = json.loads((LESSONS_DIR / "16_nesterov.json").read_text())


def refused(doc, *, name="x.json") -> str:
    with pytest.raises(LessonError) as err:
        parse_lesson(doc, name)
    text = str(err.value)
    assert text.startswith(f"lesson file {name}: "), text
    return text


def edited(base, path: str, value):
    doc = copy.deepcopy(base)
    node = doc
    parts = path.split("/")
    for p in parts[:-1]:
        node = node[int(p)] if isinstance(node, list) else node[p]
    last = parts[-1]
    if value is KeyError:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return doc


# -- the shipped lessons -----------------------------------------------------------------
def test_every_shipped_lesson_loads_and_they_follow_the_lectures_sections():
    errors: list[str] = []
    lessons = load_lessons(errors=errors)
    assert errors == []
    assert [name for name, _ in lessons] == [p.stem for p in lesson_files()]
    order = list(SECTIONS)
    ranks = [order.index(lesson.section) for _, lesson in lessons]
    assert ranks == sorted(ranks) and set(ranks) == set(range(len(SECTIONS)))


# The topics of the lecture (issue 11, item 1) in its order: (lesson, word of its title).
TOPICS = [("01_vanishing_gradients", "vanishing"), ("02_exploding_gradients", "exploding"),
          ("03_sigmoid_vs_tanh", "tanh"), ("04_relu_dying_units", "dying"),
          ("05_softplus", "softplus"), ("06_other_relus", "randomized"),
          ("07_mean_cancellation", "mean"), ("08_scaling", "scaling"),
          ("09_decorrelation", "whitening"), ("10_small_random_init", "small random"),
          ("11_xavier", "xavier"), ("12_he", "he "), ("13_xavier_vs_he", "xavier vs he"),
          ("14_sgd", "gradient descent"), ("15_momentum", "momentum"),
          ("16_nesterov", "nesterov"), ("17_adagrad", "adagrad"), ("18_rmsprop", "rmsprop"),
          ("19_adadelta", "adadelta"), ("20_adam", "adam"), ("21_comparison", "comparing"),
          ("22_shuffling", "shuffling"), ("23_curriculum", "curriculum"),
          ("24_early_stopping", "early stopping"), ("25_gradient_noise", "gradient noise"),
          ("26_batch_norm", "batch normalization"), ("27_batch_norm_backward", "batch norm")]


def test_there_is_a_lesson_per_topic_in_the_lectures_order():
    lessons = load_lessons()
    names = [name for name, _ in lessons]
    assert names == [name for name, _ in TOPICS]
    for (_, lesson), (name, word) in zip(lessons, TOPICS, strict=True):
        assert word in lesson.title.lower() + " ", (name, lesson.title)


def test_corrected_slides_say_so():
    by_name = dict(load_lessons())
    for name, needle in (("11_xavier", r"\sqrt{n_d + n_{d+1}}"),
                         ("20_adam", r"\sqrt{\hat{b}_{(k)}} + \varepsilon"),
                         ("16_nesterov", r"w^{(k)} - \gamma\, v^{(k)}"),
                         ("27_batch_norm_backward", r"\right)}{m}"),
                         ("09_decorrelation", r"\tilde{X} = X - \mu")):
        lesson = by_name[name]
        assert any(needle in line for line in lesson.formula), name
        assert lesson.formula_note.startswith("Corrected"), name


def test_a_good_document_parses():
    lesson = parse_lesson(copy.deepcopy(GOOD), "good.json")
    assert lesson.title == "Batch normalization"
    assert lesson.presets() == ["07_batch_norm_off.json"]


# -- refusals: one sentence naming the file and the field --------------------------------
@pytest.mark.parametrize("path, value, field", [
    ("titel", "x", "titel"),  # unknown field
    ("title", KeyError, "title"),
    ("title", 7, "title"),
    ("section", "optimizers", "section"),
    ("schema_version", 2, "schema_version"),
    ("claims", [], "claims"),
    ("claims/0/seeds", [0, 0], "seeds"),
    ("claims/0/factor", "3", "factor"),  # strict: a string is no number
    ("claims/0/factor", True, "factor"),
    ("claims/0/factor", 0.5, "factor"),
    ("claims/0/measure/steps", [600, 500], "steps"),
    ("claims/0/measure/steps", [0, 10**9], "steps"),
    ("claims/0/measure/metric", "accuracy", "metric"),
    ("claims/0/measure/layer", "hidden 1", "measure"),  # train_loss has no layers
    ("claims/0/kind", "guess", "kind"),
    ("note", "two\nlines", "note"),
    ("formula/0", r"\frac{1}{2", "formula"),
    ("opens/preset", "../../etc/passwd", "preset"),
    ("opens/tab", "lab", "opens"),  # a lab tab needs a lab setup
    ("try_this/0/preset", "07_batch_norm_on.json", "try_this"),  # two actions in one button
])
def test_a_bad_field_is_refused_naming_it(path, value, field):
    assert field in refused(edited(GOOD, path, value))


@pytest.mark.parametrize("path, value, field", [
    ("opens/preset", "99_no_such_preset.json", "opens.preset"),
    ("related", ["nope.json"], "related.0"),
    ("try_this/0/changes", {"network.batchnorm": True}, "try_this.0.changes"),
    ("try_this/0/changes", {"training.batch_size": 0}, "try_this.0.changes"),
    ("try_this/0/changes", {"network.hidden.width": 3}, "try_this.0.changes"),
    ("claims/0/variant", {"optimizer.name": "sgdd"}, "claims.0.variant"),
    ("claims/0/changes", {"data.name": "nowhere"}, "claims.0.changes"),
    # A comparison names settings of the Compare tab's list and values it offers.
    ("try_this/1/compare/vary/0/setting", "batchnorm", "try_this.1.compare.vary.0"),
    ("try_this/1/compare/vary/0/values", [False, "maybe"], "try_this.1.compare.vary.0"),
    ("try_this/1/compare/vary/0/values", [0, 1], "try_this.1.compare.vary.0"),  # not bools
    ("try_this/1/compare/vary/0/values", [], "try_this.1.compare.vary.0.values"),
    ("try_this/1/compare/vary", [{"setting": "batch_norm", "values": [True]}] * 2,
     "try_this.1.compare"),
    ("try_this/1/compare/vary", [], "try_this.1.compare.vary"),
    ("try_this/1/compare/seeds", 0, "try_this.1.compare.seeds"),
])
def test_a_reference_to_nothing_is_refused_naming_it(path, value, field):
    text = refused(edited(GOOD, path, value))
    assert f": {field}: " in text, text


def test_a_layer_the_network_lacks_is_refused():
    doc = edited(GOOD, "claims/0", {"kind": "layer_ratio", "metric": "grad_norm",
                                    "numerator": "output", "denominator": "hidden 7",
                                    "steps": [1], "at_least": 1.0})
    assert "6 hidden layers, no 'hidden 7'" in refused(doc)


def test_race_setups_are_checked():
    assert "opens.lab.preset" in refused(edited(LAB, "opens/lab/preset", "everest"))
    assert "opens.lab.racers.0" in refused(edited(LAB, "opens/lab/racers/0", "rocket"))
    doc = edited(LAB, "claims/0/facts/0/racer", "adam")  # not among the racers
    assert "'adam' does not race" in refused(doc)
    doc = edited(LAB, "claims/0/facts/0", {"racer": "nesterov", "metric": "reversals"})
    assert "at_least, at_most or less_than" in refused(doc)


def test_training_claims_need_a_preset():
    doc = edited(LAB, "claims/0", {"kind": "status", "status": "running", "by_step": 5})
    assert "needs a preset" in refused(doc)


# -- the file itself ------------------------------------------------------------------------
def test_file_problems_are_refused(tmp_path):
    def bad(name: str, content: bytes | None = None) -> str:
        path = tmp_path / name
        if content is None:
            path.mkdir()
        else:
            path.write_bytes(content)
        with pytest.raises(LessonError) as err:
            load_lesson(path)
        assert str(err.value).startswith(f"lesson file {name}: ")
        return str(err.value)

    assert "not a regular file" in bad("01_dir.json")
    assert "invalid JSON at line 1" in bad("02_broken.json", b'{"title": ')
    assert "not UTF-8" in bad("03_latin.json", b'{"title": "\xe9"}')
    assert "not an object" in bad("04_list.json", b"[1, 2]")
    assert "deeper than" in bad("05_deep.json", b"[" * 100 + b"]" * 100)
    assert "more than the" in bad("06_big.json", b" " * (MAX_LESSON_BYTES + 1))


def test_load_lessons_checks_names_and_order_and_can_skip_bad_files(tmp_path):
    shipped = {p.name: p.read_bytes() for p in lesson_files()}
    (tmp_path / "01_bn.json").write_bytes(shipped["26_batch_norm.json"])
    (tmp_path / "02_vanishing.json").write_bytes(shipped["01_vanishing_gradients.json"])
    (tmp_path / "03 bad name.json").write_bytes(shipped["03_sigmoid_vs_tanh.json"])
    (tmp_path / "04_broken.json").write_bytes(b"{")
    with pytest.raises(LessonError, match="01_bn.json|02_vanishing.json"):
        load_lessons(tmp_path)
    errors: list[str] = []
    got = load_lessons(tmp_path, errors=errors)
    assert [name for name, _ in got] == ["01_bn"]
    assert len(errors) == 3
    assert any("02_vanishing.json: section" in e and "comes before" in e for e in errors)
    assert any("03 bad name.json: the name must look like" in e for e in errors)
    assert any("04_broken.json: invalid JSON" in e for e in errors)


def test_a_file_is_never_modified(tmp_path):
    path = tmp_path / "01_x.json"
    raw = json.dumps(edited(GOOD, "title", 5)).encode()
    path.write_bytes(raw)
    with pytest.raises(LessonError):
        load_lesson(path)
    assert path.read_bytes() == raw
