"""Your own points, message by message: each mistake's whole message (the file's name, the numbers,
the advice), the boundaries of "dark" in a picture, and the defaults of the split."""
import sys

import numpy as np
import pytest

import minigan.points
from minigan.points import Points, load_points

IMAGE_LIST = ".png, .jpg, .jpeg, .gif, .bmp, .webp, .tif, .tiff"


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def numbered(n):
    """n CSV rows "i,2i"."""
    return "".join(f"{i},{2 * i}\n" for i in range(n))


def ids(n):
    """n points (i, 0): each row's first coordinate is its number."""
    return np.stack([np.arange(n), np.zeros(n)], axis=1)  # (n, 2)


def picture(tmp_path, name, pixels):
    Image = pytest.importorskip("PIL.Image")
    path = tmp_path / name
    Image.fromarray(pixels).save(path)
    return path


def error(kind, read, *args):
    """The message of the ``kind`` error that ``read(*args)`` raises."""
    with pytest.raises(kind) as excinfo:
        read(*args)
    return str(excinfo.value)


# -- too few points: the file's name, the count, and a hint for what went wrong -----------------------

def test_too_few_points_in_a_csv_is_one_sentence_naming_the_file(tmp_path):
    path = write(tmp_path, "a.csv", "x,y\n" + numbered(19))
    assert error(ValueError, load_points, path) == (
        f"points file {str(path)!r} holds 19 points, but at least 20 are needed")


def test_a_square_array_of_too_few_rows_is_suspected_of_being_transposed(tmp_path):
    # 19 rows of 20 numbers: as many columns as the minimum of points is enough to suspect .T
    np.save(tmp_path / "a.npy", np.zeros((19, 20)))
    assert error(ValueError, load_points, tmp_path / "a.npy") == (
        f"points file {str(tmp_path / 'a.npy')!r} holds 19 points, but at least 20 are needed "
        "(is the array transposed? Points are rows: 20 points in 19-D would be its .T)")


def test_a_picture_with_too_few_dark_pixels_says_to_draw_bigger(tmp_path):
    pixels = np.full((30, 30), 255, dtype=np.uint8)
    pixels[3, :7] = 0
    path = picture(tmp_path, "a.png", pixels)
    assert error(ValueError, load_points, path) == (
        f"points file {str(path)!r} holds 7 dark pixels, but at least 20 are needed "
        "(draw a bigger shape, or with thicker strokes)")


# -- files of the wrong kind ------------------------------------------------------------------------

def test_npz_archives_by_name_and_by_content(tmp_path):
    np.savez(tmp_path / "a.npz", x=np.zeros((30, 2)))
    assert error(ValueError, load_points, tmp_path / "a.npz") == (
        f"points file {str(tmp_path / 'a.npz')!r} is a .npz archive, which can hold several arrays: load the one "
        "you mean with numpy.load(path)[name] and pass it to Points")
    (tmp_path / "a.npz").rename(tmp_path / "b.npy")
    assert error(ValueError, load_points, tmp_path / "b.npy") == (
        f"points file {str(tmp_path / 'b.npy')!r} is a .npz archive, not a .npy array: rename it to .npz, "
        "load the array you mean with numpy.load(path)[name] and pass it to Points")


def test_npy_files_that_hold_no_real_points(tmp_path):
    write(tmp_path, "text.npy", numbered(30))
    np.save(tmp_path / "pickle.npy", np.array([{"x": 1}] * 30, dtype=object), allow_pickle=True)
    np.save(tmp_path / "complex.npy", np.ones((30, 2)) * 1j)
    name = lambda file: repr(str(tmp_path / file))  # noqa: E731
    assert error(ValueError, load_points, tmp_path / "text.npy") == (
        f"points file {name('text.npy')} is not an array saved by numpy.save (it does not start with "
        "the .npy header); a text file of numbers? Name it .csv or .txt")
    assert error(ValueError, load_points, tmp_path / "pickle.npy") == (
        f"points file {name('pickle.npy')} is not a readable .npy file "
        "(ValueError: Object arrays cannot be loaded when allow_pickle=False)")
    assert error(ValueError, load_points, tmp_path / "complex.npy") == (
        f"points file {name('complex.npy')} holds complex numbers (dtype complex128): points need real coordinates")


@pytest.mark.parametrize("name, extension", [("data.dat", ".dat"), ("data", "(none)")])
def test_binary_data_names_its_extension_and_what_is_read_as_binary(tmp_path, name, extension):
    path = write(tmp_path, name, b"\x00\x01\x02" * 30)
    assert error(ValueError, load_points, path) == (
        f"points file {str(path)!r} holds binary data, and its extension {extension} is not one minigan "
        f"reads as binary: .npy, or a picture ({IMAGE_LIST}). A spreadsheet? "
        "Save it as CSV. Text in another encoding? Save it as UTF-8.")


def test_a_path_that_is_not_a_file_name(tmp_path):
    assert error(TypeError, load_points, 3) == "path must be a file name (a str or pathlib.Path), got 3"


@pytest.mark.parametrize("name", ["a.npy", "a.csv"])
def test_a_file_the_system_refuses_to_open_is_named_with_the_reason(tmp_path, monkeypatch, name):
    # Permissions do not stop root, who runs many CI jobs, so the refusal is made by hand.
    np.save(tmp_path / "a.npy", np.zeros((30, 2)))
    write(tmp_path, "a.csv", numbered(30))

    def refuse(path, mode="r"):
        raise PermissionError(13, "Permission denied", str(path))
    monkeypatch.setattr(minigan.points, "open", refuse, raising=False)  # the module's open, not the builtin
    assert error(ValueError, load_points, tmp_path / name) == (
        f"points file {str(tmp_path / name)!r} cannot be read (Permission denied)")


# -- text ---------------------------------------------------------------------------------------------

def test_a_comment_ends_at_its_first_hash_even_if_it_holds_more(tmp_path):
    points = load_points(write(tmp_path, "a.csv", numbered(20) + "3,4  # as in issue #12\n"))
    np.testing.assert_array_equal(points[-1], [3, 4])


def test_big_endian_utf16_reads_like_little_endian(tmp_path):
    text = "x\ty\n" + numbered(20).replace(",", "\t")
    little = load_points(write(tmp_path, "le.txt", b"\xff\xfe" + text.encode("utf-16-le")))
    big = load_points(write(tmp_path, "be.txt", b"\xfe\xff" + text.encode("utf-16-be")))
    np.testing.assert_array_equal(big, little)
    assert big.shape == (20, 2) and big[19, 1] == 38


def test_nan_in_text_is_one_sentence_with_line_column_and_rule(tmp_path):
    path = write(tmp_path, "a.csv", "x,y\n1,2\n2,4\n3,nan\n" + numbered(20))
    assert error(ValueError, load_points, path) == (
        f"points file {str(path)!r}, line 4, column 2: 'nan' is NaN or infinite (or too large for float64); "
        "every coordinate must be a finite number")


# -- pictures -----------------------------------------------------------------------------------------

def test_dark_means_strictly_below_half_of_white(tmp_path):
    rgba = np.full((3, 20, 4), 255, dtype=np.uint8)
    rgba[0] = (0, 0, 0, 255)  # black: 20 points at y = 2.5
    rgba[1, :10] = (0, 0, 0, 128)  # black at 128/255 opacity: over white 1 - 128/255 = 0.498, dark
    rgba[1, 10:] = (0, 0, 0, 127)  # 1 - 127/255 = 0.502: light
    # (0.587 * 204 + 0.114 * 68) / 255 = 127.5 / 255 and (0.299 * 22 + 0.587 * 206) / 255 = 127.5 / 255:
    # luminance exactly one half, which is not below one half: light
    rgba[2, :10] = (0, 204, 68, 255)
    rgba[2, 10:] = (22, 206, 0, 255)
    points = load_points(picture(tmp_path, "a.png", rgba))
    expected = [(c + 0.5, 2.5) for c in range(20)] + [(c + 0.5, 1.5) for c in range(10)]
    np.testing.assert_array_equal(sorted(map(tuple, points)), sorted(expected))


def test_a_sixteen_bit_picture_reports_its_darkest_on_a_scale_where_65535_is_white(tmp_path):
    grey = np.full((30, 30), 40960, dtype=np.uint16)  # 40960 / 65535 = 0.62501, light
    path = picture(tmp_path, "a.png", grey)
    assert error(ValueError, load_points, path) == (
        f"points file {str(path)!r} has no dark pixels: a pixel is dark when its luminance over a "
        "white page is below 0.5 (0 black, 1 white), and this picture's darkest is 0.63; "
        "draw the shape in black or another dark colour")


def test_a_file_pillow_cannot_read_names_pillows_error_by_its_type(tmp_path):
    path = write(tmp_path, "a.png", "hello, not a picture\n" * 5)
    message = error(ValueError, load_points, path)
    # what follows the type is Pillow's own wording, which this test leaves to Pillow
    assert message.startswith(f"points file {str(path)!r} is not a picture Pillow can read (UnidentifiedImageError: ")


def test_without_pillow_the_whole_message_says_what_to_install(tmp_path, monkeypatch):
    path = picture(tmp_path, "a.png", np.zeros((30, 30), dtype=np.uint8))  # saved while Pillow is there
    monkeypatch.setitem(sys.modules, "PIL", None)  # makes "from PIL import Image" fail
    assert error(ImportError, load_points, path) == "reading pictures needs Pillow: pip install 'minigan[plot]'"


# -- Points: defaults and messages ----------------------------------------------------------------------

def test_the_default_split_is_seed_0s_permutation_and_the_name_is_points():
    target = Points(ids(30))  # holdout 0.2: round(6.0) = 6 held out
    order = np.random.default_rng(0).permutation(30)
    np.testing.assert_array_equal(target.heldout[:, 0], order[:6])
    np.testing.assert_array_equal(target.train[:, 0], order[6:])
    assert repr(target) == "points(30 points in 2-D, 6 held out)"
    assert (target.name, target.holdout, target.seed) == ("points", 0.2, 0)
    assert Points(ids(30), seed=3).seed == 3


def test_both_parts_of_the_split_are_read_only():
    target = Points(ids(30))
    for part in (target.train, target.heldout):
        with pytest.raises(ValueError, match="read-only"):
            part[0, 0] = 5.0


def test_load_splits_as_points_does_with_seed_0_unless_told(tmp_path):
    path = write(tmp_path, "a.csv", numbered(50))
    points = load_points(path)
    np.testing.assert_array_equal(Points.load(path).heldout, Points(points, seed=0).heldout)
    np.testing.assert_array_equal(Points.load(path, seed=2).heldout, Points(points, seed=2).heldout)


def test_a_holdout_that_leaves_too_few_to_train_on_says_what_to_do():
    assert error(ValueError, Points, ids(100), "points", 0.9) == (
        "holdout=0.9 keeps 90 of the 100 points aside and leaves 10 to train on, but at least 15 are needed: "
        "lower holdout, or give more points")


def test_arrays_that_are_not_points_are_named_in_whole_sentences():
    assert error(TypeError, Points, [[1, 2], [3]] * 15) == (
        "points must be an array of numbers of shape (N, d) or (N,), got list")
    assert error(ValueError, Points, np.zeros((30, 0))) == (
        "points holds points with no coordinates (an array of shape (30, 0))")
    assert error(ValueError, Points, ids(19)) == "points holds 19 points, but at least 20 are needed"
