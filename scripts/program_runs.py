"""Runs one Python/PyTorch program two ways, for the developer sweeps that compare gradcli with
PyTorch: under PyTorch in this process (importing torch once), and through `gradcli run`."""
import contextlib, io, os, subprocess, tempfile


def run_torch(source):
    """The program's stdout under PyTorch."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "prog.py", "exec"), {"__name__": "__main__"})
    return out.getvalue()


def run_gradcli(gradcli, source, timeout=60, check=False):
    """The program's stdout through `gradcli run`; with `check`, a failed run stops the sweep."""
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as f:
        f.write(source)
    try:
        done = subprocess.run([gradcli, "run", f.name], capture_output=True, text=True, timeout=timeout)
        if check and done.returncode != 0:
            raise SystemExit(f"gradcli failed:\n{done.stderr}")
        return done.stdout
    finally:
        os.unlink(f.name)
