"""The wheel installs anywhere: built from this checkout, installed into a fresh virtual
environment, asked a question and served from a folder outside the checkout."""
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, free_port, get, post_json, wait_for_health


def run(command, **options):
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, **options)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
         "--wheel-dir", str(folder), str(ROOT)])
    return next(folder.glob("course_assistant-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """(the fresh environment's bin folder, a working folder outside the checkout, its environment)."""
    base = tmp_path_factory.mktemp("fresh")
    venv = base / "venv"
    # The dependencies (scikit-learn, numpy...) come from the interpreter's own site-packages,
    # so the test needs no download of them; the package itself only from the wheel.
    run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)])
    run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         str(wheel)])
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("COURSE_ASSISTANT_") and name not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["XDG_CACHE_HOME"] = str(base / "user-cache")
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return venv / "bin", elsewhere, env


def test_the_wheel_ships_the_knowledge_the_widget_the_pages_and_the_server_configuration(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {path.relative_to(ROOT).as_posix() for folder in ("knowledge", "web")
               for path in (ROOT / folder).rglob("*") if path.is_file() and "__pycache__" not in path.parts}
    for path in shipped:
        packaged = path.replace("knowledge/", "assistant/shipped_knowledge/", 1).replace("web/", "assistant/shipped_web/", 1)
        assert packaged in names, f"{path} is not in the wheel"
    assert "assistant/gunicorn_conf.py" in names


def test_a_question_asked_outside_the_checkout_is_answered_from_the_installed_package(installed):
    bin_dir, elsewhere, env = installed
    where = run([str(bin_dir / "python"), "-c", "import assistant; print(assistant.__file__)"], cwd=elsewhere, env=env)
    package = Path(where.stdout.strip()).parent
    assert ROOT not in package.parents and bin_dir.parent in package.parents, package
    result = run([str(bin_dir / "course-assistant"), "ask", "best python course for beginners"], cwd=elsewhere, env=env)
    print(result.stdout)                                  # the closing note quotes it
    assert "Python" in result.stdout and "knowledge folder not found" not in result.stderr
    assert list((Path(env["XDG_CACHE_HOME"]) / "course-assistant").glob("brain-*.pickle")), "no cache in the user cache folder"
    assert not list(package.rglob("*.pickle")) and not (package.parent / ".cache").exists()


@pytest.mark.parametrize("production", [False, True], ids=["serve", "serve --production"])
def test_the_installed_server_runs_from_any_folder(installed, production):
    bin_dir, elsewhere, env = installed
    port = free_port()
    command = [str(bin_dir / "course-assistant"), "serve", "--port", str(port)] + (["--production"] if production else [])
    log = elsewhere / f"server-{port}.log"
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=elsewhere, env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, process, log)
        status, body, headers = get(url + "/widget.js")
        assert status == 200 and b"attachShadow" in body
        status, page, _ = get(url + "/")
        assert status == 200 and b"widget.js" in page
        status, static, _ = get(url + "/static/site.css")
        assert status == 200
        status, reply, _ = post_json(url + "/api/chat", {"message": "free machine learning courses"})
        assert status == 200 and reply["reply"]["courses"], reply
        if production:
            assert "gunicorn" in log.read_text()
    finally:
        process.terminate()
        process.wait(timeout=15)
