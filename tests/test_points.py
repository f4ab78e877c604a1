"""Your own points: files read right, every bad file named with what is wrong, and the target's split and sampling."""
import os
import sys

import numpy as np
import pytest

from minigan import backend
from minigan.points import MIN_HELDOUT, MIN_POINTS, MIN_TRAIN, Points, load_points

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "demos", "data")


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def numbered(n, start=0):
    """n CSV rows "i,2i": the i-th point is (i, 2i), so a row read wrong shows."""
    return "".join(f"{i},{2 * i}\n" for i in range(start, start + n))


def picture(tmp_path, name, pixels):
    """Save pixels (H, W) or (H, W, 4) as a picture: uint8 greys or RGBA, or uint16 greys."""
    Image = pytest.importorskip("PIL.Image")
    path = tmp_path / name
    Image.fromarray(pixels).save(path)
    return path


def message(excinfo):
    return str(excinfo.value)


# -- text files ----------------------------------------------------------------------------------

def test_csv_header_comments_blank_lines(tmp_path):
    text = ("# drawn by hand\n\nx,y   # the names\n" + numbered(10)
            + "# halfway\n\n" + numbered(10, start=10) + "3.5, -4e-1\n")
    points = load_points(write(tmp_path, "a.csv", text))
    assert points.dtype == np.float64 and points.shape == (21, 2)
    np.testing.assert_array_equal(points[:20], [[i, 2 * i] for i in range(20)])
    np.testing.assert_array_equal(points[20], [3.5, -0.4])


def test_whitespace_separated_text_with_tabs_and_runs_of_spaces(tmp_path):
    text = "".join(f"{i}\t {i / 4}   -1\n" for i in range(20))
    points = load_points(write(tmp_path, "a.tsv", text))
    assert points.shape == (20, 3)
    np.testing.assert_array_equal(points[7], [7, 1.75, -1])


def test_one_number_a_line_is_points_in_1d(tmp_path):
    points = load_points(write(tmp_path, "a.txt", "value\n" + "".join(f"{i}\n" for i in range(25))))
    assert points.shape == (25, 1) and points[-1, 0] == 24


def test_text_round_trips_numpy_savetxt_exactly(tmp_path):
    x = np.random.default_rng(0).standard_normal((50, 2)) * np.array([1e-300, 1e300])
    np.savetxt(tmp_path / "a.txt", x)  # "%.18e" and spaces: every float64 back bit for bit
    np.testing.assert_array_equal(load_points(tmp_path / "a.txt"), x)


def test_spreadsheet_encodings_utf8_with_bom_and_utf16(tmp_path):
    rows = numbered(20)
    utf8 = load_points(write(tmp_path, "excel.csv", b"\xef\xbb\xbf" + rows.encode()))  # "CSV UTF-8"
    utf16 = load_points(write(tmp_path, "excel.txt", ("x\ty\n" + rows.replace(",", "\t")).encode("utf-16")))
    np.testing.assert_array_equal(utf8, utf16)
    assert utf8[0, 0] == 0  # the mark did not turn the first number into text


def test_only_the_first_line_may_be_a_header(tmp_path):
    with pytest.raises(ValueError) as excinfo:
        load_points(write(tmp_path, "a.csv", "x,y\n" + numbered(20) + "x,y\n"))
    assert "line 22, column 1: 'x' is not a number" in message(excinfo)


def test_text_that_is_not_a_number_is_named_with_its_line_and_column(tmp_path):
    with pytest.raises(ValueError) as excinfo:
        load_points(write(tmp_path, "a.csv", numbered(4) + "5,ten\n" + numbered(20)))
    assert repr(str(tmp_path / "a.csv")) in message(excinfo)  # the whole path, to find the file by
    assert "line 5, column 2: 'ten' is not a number" in message(excinfo)


def test_a_first_line_mixing_names_and_numbers_is_not_a_header(tmp_path):
    with pytest.raises(ValueError, match=r"line 1, column 1: 'x' is not a number; a first line is skipped as a header"):
        load_points(write(tmp_path, "a.csv", "x,0\n" + numbered(20)))


def test_semicolons_get_a_hint(tmp_path):
    with pytest.raises(ValueError, match="'1;2' is not a number; separate numbers with commas or spaces, not semi"):
        load_points(write(tmp_path, "a.txt", "1;2\n" * 20))


def test_an_empty_field_is_named(tmp_path):
    with pytest.raises(ValueError, match=r"line 3, column 2 is empty \(two commas in a row"):
        load_points(write(tmp_path, "a.csv", numbered(2) + "1,,2\n" + numbered(20)))


@pytest.mark.parametrize("value", ["nan", "-inf", "1e999"])
def test_nan_and_infinity_in_text_are_named_with_line_and_column(tmp_path, value):
    with pytest.raises(ValueError) as excinfo:
        load_points(write(tmp_path, "a.csv", "x,y\n" + numbered(2) + f"3,{value}\n" + numbered(20)))
    assert f"line 4, column 2: '{value}' is NaN or infinite" in message(excinfo)


def test_lines_with_different_numbers_of_numbers_are_named(tmp_path):
    with pytest.raises(ValueError, match=r"line 6 has 3 numbers, but line 2 has 2"):
        load_points(write(tmp_path, "a.csv", "x,y\n" + numbered(4) + "1,2,3\n" + numbered(20)))


# -- files that are not there, empty, or of no kind we read ------------------------------------------

def test_a_missing_file_a_folder_and_an_empty_file(tmp_path):
    with pytest.raises(ValueError, match=r"'.*nowhere\.csv' does not exist \(looked for"):
        load_points(tmp_path / "nowhere.csv")
    with pytest.raises(ValueError, match="is a folder, not a file"):
        load_points(tmp_path)
    with pytest.raises(ValueError, match=r"is empty \(0 bytes\)"):
        load_points(write(tmp_path, "a.png", b""))


@pytest.mark.parametrize("text, what", [("# nothing yet\n\n", "only blank lines and # comments"),
                                        ("x,y\n# nothing yet\n", "only a header line")])
def test_a_text_file_without_points(tmp_path, text, what):
    with pytest.raises(ValueError, match=f"holds no points, {what}"):
        load_points(write(tmp_path, "a.csv", text))


def test_too_few_points_says_how_many_there_are_and_are_needed(tmp_path):
    assert MIN_POINTS == 20 == MIN_TRAIN + MIN_HELDOUT
    with pytest.raises(ValueError, match="holds 19 points, but at least 20 are needed"):
        load_points(write(tmp_path, "a.csv", "x,y\n" + numbered(19)))
    assert load_points(write(tmp_path, "b.csv", "x,y\n" + numbered(20))).shape == (20, 2)


def test_a_transposed_array_gets_a_hint(tmp_path):
    np.save(tmp_path / "a.npy", np.zeros((2, 500)))
    with pytest.raises(ValueError, match=r"holds 2 points, .* transposed\? Points are rows: 500 points in 2-D"):
        load_points(tmp_path / "a.npy")


@pytest.mark.parametrize("name, content", [("a.dat", b"\x00\x01\x02" * 30),
                                           ("sheet.xlsx", b"PK\x03\x04\x14\x00\x06\x00" + bytes(200)),
                                           ("latin1.csv", "x,y\n".encode() + "caf\xe9,1\n".encode("latin-1"))])
def test_binary_of_an_unknown_kind_says_what_is_read(tmp_path, name, content):
    with pytest.raises(ValueError) as excinfo:
        load_points(write(tmp_path, name, content))
    assert "holds binary data" in message(excinfo) and ".npy" in message(excinfo) and ".png" in message(excinfo)
    assert name in message(excinfo)


def test_an_npz_archive_is_pointed_to_numpy_load(tmp_path):
    np.savez(tmp_path / "a.npz", x=np.zeros((30, 2)))
    with pytest.raises(ValueError, match=r"numpy\.load\(path\)\[name\]"):
        load_points(tmp_path / "a.npz")
    os.replace(tmp_path / "a.npz", tmp_path / "b.npy")  # an archive under an array's name
    with pytest.raises(ValueError, match="is a .npz archive, not a .npy array"):
        load_points(tmp_path / "b.npy")


# -- .npy ------------------------------------------------------------------------------------------

def test_npy_two_and_one_dimensional(tmp_path):
    x = np.arange(60, dtype=np.float32).reshape(30, 2)
    np.save(tmp_path / "a.npy", x)
    np.save(tmp_path / "b.npy", np.arange(25))  # ints, 1-D: 25 points on a line
    a, b = load_points(tmp_path / "a.npy"), load_points(tmp_path / "b.npy")
    assert a.dtype == b.dtype == np.float64
    np.testing.assert_array_equal(a, x)
    assert b.shape == (25, 1) and b[24, 0] == 24


def test_npy_nan_is_named_by_its_index(tmp_path):
    x = np.zeros((30, 2))
    x[7, 1] = np.inf
    np.save(tmp_path / "a.npy", x)
    with pytest.raises(ValueError, match=r"holds 1 NaN or infinite value\(s\), the first at index \(7, 1\)"):
        load_points(tmp_path / "a.npy")


@pytest.mark.parametrize("array, what", [
    (np.zeros((5, 6, 2)), r"shape \(5, 6, 2\), but points must have shape \(N, d\) or \(N,\)"),
    (np.array(["1"] * 30), "values of dtype <U1, not numbers"),
    (np.ones((30, 2)) * 1j, "complex numbers"),
    (np.zeros((0, 2)), r"is empty: an array of shape \(0, 2\) holds no points"),
    (np.zeros(0), r"is empty: an array of shape \(0,\) holds no points"),
])
def test_npy_arrays_that_are_not_points(tmp_path, array, what):
    np.save(tmp_path / "a.npy", array)
    with pytest.raises(ValueError, match=what):
        load_points(tmp_path / "a.npy")


def test_a_corrupt_npy_or_text_named_npy_is_not_a_traceback(tmp_path):
    with pytest.raises(ValueError, match="is not a readable .npy file"):
        load_points(write(tmp_path, "a.npy", b"\x93NUMPY\x01\x00garbage"))
    with pytest.raises(ValueError, match=r"not an array saved by numpy.save .* Name it .csv or .txt"):
        load_points(write(tmp_path, "b.npy", numbered(30)))


def test_pickled_npy_is_refused(tmp_path):
    np.save(tmp_path / "a.npy", np.array([{"x": 1}] * 30, dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="is not a readable .npy file"):
        load_points(tmp_path / "a.npy")


# -- pictures ----------------------------------------------------------------------------------------

def test_dark_pixels_become_points_at_their_centres_with_y_up(tmp_path):
    W, H = 10, 4
    rgba = np.full((H, W, 4), 255, dtype=np.uint8)  # white, opaque
    rgba[0] = (0, 0, 0, 255)  # top row black: 10 points at y = 4 - 0 - 0.5 = 3.5
    rgba[1, :5] = (0, 0, 0, 0)  # black but fully transparent: background
    rgba[1, 5:] = (0, 0, 0, 64)  # black at 25% opacity: over white, 0.75 of white, light
    rgba[2, :5] = (255, 0, 0, 255)  # red: luminance 0.299, dark, at y = 1.5
    rgba[2, 5:] = (0, 255, 0, 255)  # green: 0.587, light (the plain mean of R, G, B, 0.33, would say dark)
    rgba[3, :5] = (102, 102, 102, 255)  # grey 0.4: dark, at y = 0.5
    rgba[3, 5:] = (153, 153, 153, 255)  # grey 0.6: light
    points = load_points(picture(tmp_path, "a.png", rgba))
    expected = [(c + 0.5, 3.5) for c in range(10)] + [(c + 0.5, y) for y in (1.5, 0.5) for c in range(5)]
    np.testing.assert_array_equal(sorted(map(tuple, points)), sorted(expected))


def test_sixteen_bit_greys_are_scaled_not_clipped(tmp_path):
    grey = np.array([[30000] * 20, [40000] * 20], dtype=np.uint16)  # 0.46 and 0.61 of white
    points = load_points(picture(tmp_path, "a.png", grey))
    np.testing.assert_array_equal(points[:, 1], 1.5)  # only the top row, the darker one


def test_a_picture_without_dark_pixels_says_what_dark_means(tmp_path):
    light = np.full((30, 30), 160, dtype=np.uint8)  # 0.63 of white
    with pytest.raises(ValueError, match=r"has no dark pixels: .* below 0\.5 .* this picture's darkest is 0\.63"):
        load_points(picture(tmp_path, "a.png", light))


def test_a_few_dark_pixels_are_too_few(tmp_path):
    pixels = np.full((30, 30), 255, dtype=np.uint8)
    pixels[3, :7] = 0
    with pytest.raises(ValueError, match="holds 7 dark pixels, but at least 20 are needed"):
        load_points(picture(tmp_path, "a.png", pixels))


def test_corrupt_and_truncated_pictures(tmp_path):
    with pytest.raises(ValueError, match="is not a picture Pillow can read"):
        load_points(write(tmp_path, "a.png", b"\x89PNG\r\n\x1a\n" + b"not really" * 10))
    heart = open(os.path.join(DATA, "heart.png"), "rb").read()
    with pytest.raises(ValueError, match="is not a picture Pillow can read"):
        load_points(write(tmp_path, "b.png", heart[: len(heart) // 2]))


def test_without_pillow_the_error_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)  # makes "from PIL import Image" fail
    with pytest.raises(ImportError, match=r"pip install 'minigan\[plot\]'"):
        load_points(os.path.join(DATA, "heart.png"))


# -- Points: the split ------------------------------------------------------------------------------

def ids(n):
    """n points whose first coordinate is their row number, so any row can be recognised."""
    return np.stack([np.arange(n), np.zeros(n)], axis=1).astype(np.float64)  # (n, 2)


def test_split_sizes():
    assert (len(Points(ids(100)).train), len(Points(ids(100)).heldout)) == (80, 20)
    assert len(Points(ids(101), holdout=0.25).heldout) == 25  # round(25.25)
    assert len(Points(ids(20)).heldout) == MIN_HELDOUT == 5  # round(0.2 * 20) = 4, raised to the minimum
    assert len(Points(ids(20), holdout=0.01).heldout) == 5


def test_the_split_is_a_shuffled_partition_of_the_points():
    target = Points(ids(100))
    train, heldout = target.train[:, 0], target.heldout[:, 0]
    assert sorted(np.concatenate([train, heldout])) == list(range(100))
    assert not np.array_equal(np.sort(heldout), np.arange(80, 100))


def test_holdout_zero_trains_on_every_point():
    target = Points(ids(30), holdout=0)
    assert target.heldout.shape == (0, 2) and sorted(target.train[:, 0]) == list(range(30))


def test_the_seed_fixes_the_split():
    a, b, c = Points(ids(100), seed=3), Points(ids(100), seed=3), Points(ids(100), seed=4)
    np.testing.assert_array_equal(a.heldout, b.heldout)
    assert not np.array_equal(np.sort(a.heldout[:, 0]), np.sort(c.heldout[:, 0]))


def test_points_are_copied_and_read_only():
    x = ids(30)
    target = Points(x, holdout=0)
    x[:] = -1  # the caller's array is theirs to change
    assert target.train.min() >= 0
    with pytest.raises(ValueError, match="read-only"):
        target.train[0, 0] = 5.0  # the device copy would not see it


# -- Points: sampling ---------------------------------------------------------------------------------

def test_sample_draws_only_training_rows_each_about_equally_often():
    target = Points(ids(100))
    x = target.sample(40000, np.random.default_rng(0))  # (40000, 2)
    drawn = x[:, 0].astype(int)
    assert set(drawn) == set(target.train[:, 0].astype(int))  # every training row, no held-out one
    counts = np.bincount(drawn, minlength=100)[target.train[:, 0].astype(int)]
    assert counts.min() > 500 - 5 * 22 and counts.max() < 500 + 5 * 22  # 40000 / 80 = 500 each, sd ~ 22


def test_sample_shape_dtype_and_determinism():
    target = Points(ids(100))
    a = target.sample(64, np.random.default_rng(7))
    b = target.sample(64, np.random.default_rng(7), dtype=np.float64)
    assert a.shape == b.shape == (64, 2) and a.dtype == np.float32 and b.dtype == np.float64
    np.testing.assert_array_equal(a, b)  # the same rows; whole numbers are exact in float32


def test_the_device_copy_is_made_once_per_dtype(monkeypatch):
    target = Points(ids(100))
    copies = []
    asarray = backend.xp.asarray
    monkeypatch.setattr(backend.xp, "asarray", lambda *a, **k: copies.append(k.get("dtype")) or asarray(*a, **k))
    rng = np.random.default_rng(0)
    for _ in range(3):
        target.sample(8, rng)
    target.sample(8, rng, dtype=np.float64)
    target.sample(8, rng, dtype=np.float64)
    assert copies == [np.float32, np.float64]


def test_sample_refuses_a_bad_n():
    target = Points(ids(30))
    with pytest.raises(ValueError, match="n must be at least 1, got 0"):
        target.sample(0, np.random.default_rng(0))
    with pytest.raises(TypeError, match="n must be a whole number, got 2.5"):
        target.sample(2.5, np.random.default_rng(0))


# -- Points: its arguments ---------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error, text", [
    ({"holdout": 1.0}, ValueError, r"holdout must be in \[0, 1\), got 1.0"),
    ({"holdout": -0.1}, ValueError, r"holdout must be in \[0, 1\), got -0.1"),
    ({"holdout": float("nan")}, ValueError, r"holdout must be in \[0, 1\), got nan"),
    ({"holdout": "0.2"}, TypeError, "holdout must be a number, got '0.2'"),
    ({"holdout": 0.9}, ValueError, "holdout=0.9 keeps 90 of the 100 points aside and leaves 10 to train on, but at"),
    ({"name": ""}, ValueError, "name must not be empty, got ''"),
    ({"name": 3}, TypeError, "name must be a string, got 3"),
    ({"seed": -1}, ValueError, "seed must be at least 0, got -1"),
    ({"seed": None}, TypeError, "seed must be a whole number, got None"),  # an unrepeatable split
    ({"seed": 1.5}, TypeError, "seed must be a whole number, got 1.5"),
])
def test_bad_arguments_are_named_with_their_value(kwargs, error, text):
    with pytest.raises(error, match=text):
        Points(ids(100), **kwargs)


@pytest.mark.parametrize("points, error, text", [
    (np.full((30, 2), np.nan), ValueError, r"points must be finite, but holds 60 NaN .* the first at index \(0, 0\)"),
    (np.zeros((30, 2, 2)), ValueError, r"points holds an array of shape \(30, 2, 2\)"),
    (ids(19), ValueError, "points holds 19 points, but at least 20 are needed"),
    ([[1, 2], [3]] * 15, TypeError, "points must be an array of numbers"),
    (np.array(["a"] * 30), TypeError, "points must be real numbers, got an array of dtype <U1"),
])
def test_bad_points_are_named(points, error, text):
    with pytest.raises(error, match=text):
        Points(points)


def test_a_list_and_a_1d_array_are_points_too():
    assert Points([[float(i), 0.0] for i in range(30)]).dim == 2
    assert Points(np.arange(30)).dim == 1


# -- Points.load and the examples -------------------------------------------------------------------

def test_load_names_the_target_after_the_file(tmp_path):
    target = Points.load(write(tmp_path, "my ring.csv", "x,y\n" + numbered(50)), holdout=0.1, seed=2)
    assert target.name == "my ring" and len(target.heldout) == 5 and target.dim == 2
    assert repr(target) == "my ring(50 points in 2-D, 5 held out)"
    assert Points.load(write(tmp_path, "b.csv", numbered(50)), name="mine").name == "mine"


def test_the_example_files_are_small_and_read_as_expected():
    heart = load_points(os.path.join(DATA, "heart.png"))  # (N, 2), pixel units, y up
    curve = Points.load(os.path.join(DATA, "curve.csv"))
    for name in ("heart.png", "curve.csv"):
        assert os.path.getsize(os.path.join(DATA, name)) < 50_000
    tip = heart[heart[:, 1].argmin()]  # the lowest point of an upright heart is its tip, in the middle
    assert abs(tip[0] - heart[:, 0].mean()) < 2
    assert repr(curve) == "curve(3,000 points in 2-D, 600 held out)"


def test_sampling_on_cupy_keeps_the_points_on_the_gpu():
    try:
        backend.use("cupy")
    except RuntimeError:
        pytest.skip("needs CuPy and a usable CUDA GPU")
    target = Points(ids(100))
    x = target.sample(1000, backend.default_rng(0))
    assert isinstance(x, backend.xp.ndarray) and x.dtype == np.float32
    assert set(backend.to_numpy(x)[:, 0].astype(int)) <= set(target.train[:, 0].astype(int))
