using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Platform.CadGenerator.Rendering;

/// <summary>
/// Runs OpenSCAD on one job folder inside a bubblewrap sandbox: no network or other namespaces
/// shared with the host, a read-only /usr (and fonts), an empty /tmp, and only the job folder
/// writable, mounted as /job. Inside, a tiny shell sets the memory and file-size limits before it
/// execs OpenSCAD. The sandbox dies with this process; a wall-clock timeout kills the whole tree.
/// Untrusted .scad therefore cannot read host files (import/include/surface see an almost empty
/// root), cannot exhaust memory or disk, and cannot run forever.
/// </summary>
public sealed class SandboxedOpenScad : IDisposable
{
    public const string SourceFileName = "model.scad";
    public const string StlFileName = "model.stl";

    private readonly RenderingOptions _options;
    private readonly ILogger<SandboxedOpenScad> _logger;
    private readonly SemaphoreSlim _slots;

    public SandboxedOpenScad(RenderingOptions options, ILogger<SandboxedOpenScad> logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.TimeoutSeconds, 1);
        _options = options;
        _logger = logger;
        _slots = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
    }

    public RenderingOptions Options => _options;

    /// <summary>Writes <paramref name="scad"/> to <paramref name="jobDirectory"/>/model.scad and renders it to model.stl (binary) there.</summary>
    public async Task<RenderResult> RenderAsync(string scad, string jobDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(jobDirectory);
        var directory = Path.GetFullPath(jobDirectory);
        var stl = Path.Combine(directory, StlFileName);
        File.Delete(stl);
        await File.WriteAllTextAsync(Path.Combine(directory, SourceFileName), scad, new UTF8Encoding(false), cancellationToken);

        var queued = Stopwatch.StartNew();
        await _slots.WaitAsync(cancellationToken);
        var queueTime = queued.Elapsed;
        try
        {
            using var activity = CadGeneratorTelemetry.Source.StartActivity("openscad render");
            var result = await RunAsync(directory, stl, queueTime, cancellationToken);
            activity?.SetTag("cad.render.outcome", result.Outcome.ToString());
            CadGeneratorTelemetry.RenderDuration.Record(result.RenderTime.TotalSeconds,
                new KeyValuePair<string, object?>("outcome", result.Outcome.ToString()));
            return result;
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<RenderResult> RunAsync(string directory, string stl, TimeSpan queueTime, CancellationToken cancellationToken)
    {
        var start = CreateStartInfo(directory);
        var log = new BoundedLog(_options.MaxLogChars);
        var watch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => log.Add(e.Data);
        process.ErrorDataReceived += (_, e) => log.Add(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException("The sandbox process did not start.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            _logger.LogWarning("OpenSCAD in {Directory} passed its {TimeoutSeconds} s limit and was killed", directory, _options.TimeoutSeconds);
            return new RenderResult(RenderOutcome.TimedOut, stl, null, queueTime, watch.Elapsed, log.ToString(),
                $"The render did not finish within {_options.TimeoutSeconds} s and was stopped.");
        }

        // WaitForExit without a timeout also waits for the redirected streams to drain.
        process.WaitForExit();
        var elapsed = watch.Elapsed;
        var text = log.ToString();
        if (process.ExitCode != 0)
        {
            return new RenderResult(RenderOutcome.Failed, stl, process.ExitCode, queueTime, elapsed, text,
                $"OpenSCAD failed (exit code {process.ExitCode}): {LastLines(text)}");
        }

        if (!File.Exists(stl) || new FileInfo(stl).Length < 84)
        {
            return new RenderResult(RenderOutcome.NoOutput, stl, 0, queueTime, elapsed, text,
                $"OpenSCAD wrote no model: {LastLines(text)}");
        }

        return new RenderResult(RenderOutcome.Rendered, stl, 0, queueTime, elapsed, text, null);
    }

    private ProcessStartInfo CreateStartInfo(string directory)
    {
        var start = new ProcessStartInfo(_options.BubblewrapPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        // --clearenv empties the sandbox's environment; the bwrap process itself needs none of ours either.
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/bin:/bin";

        string[] sandbox =
        [
            "--unshare-all", "--die-with-parent", "--new-session", "--clearenv",
            "--ro-bind", "/usr", "/usr",
            "--symlink", "usr/lib", "/lib",
            "--symlink", "usr/bin", "/bin",
            "--symlink", "usr/sbin", "/sbin",
        ];
        foreach (var argument in sandbox)
        {
            start.ArgumentList.Add(argument);
        }

        if (Directory.Exists("/usr/lib64"))
        {
            Add(start, "--symlink", "usr/lib64", "/lib64");
        }

        // Fonts are only needed by text(); everything else under /etc stays outside.
        if (Directory.Exists("/etc/fonts"))
        {
            Add(start, "--ro-bind", "/etc/fonts", "/etc/fonts");
        }

        Add(start, "--dev", "/dev");
        Add(start, "--proc", "/proc");
        Add(start, "--tmpfs", "/tmp");
        Add(start, "--bind", directory, "/job");
        Add(start, "--chdir", "/job");
        Add(start, "--setenv", "HOME", "/job");
        Add(start, "--setenv", "PATH", "/usr/bin:/bin");
        Add(start, "--setenv", "LC_ALL", "C.UTF-8");

        var memoryKb = ((long)_options.MemoryLimitMb * 1024).ToString(CultureInfo.InvariantCulture);
        var fileBlocks = ((long)_options.MaxOutputMb * 2048).ToString(CultureInfo.InvariantCulture); // 512-byte blocks
        // The limits are set by a shell inside the sandbox so they bind OpenSCAD alone; the paths are constants, never caller input.
        var script = $"ulimit -v {memoryKb} && ulimit -f {fileBlocks} && ulimit -c 0 && exec \"$0\" --hardwarnings -o /job/{StlFileName} --export-format binstl /job/{SourceFileName}";
        Add(start, "/bin/sh", "-c", script, _options.OpenScadPath);
        return start;
    }

    private static void Add(ProcessStartInfo start, params string[] arguments)
    {
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
    }

    private void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // It exited between the timeout and the kill.
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            _logger.LogError(exception, "Could not kill the sandbox process {ProcessId}", process.Id);
        }
    }

    private static string LastLines(string log)
    {
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("Geometries in cache", StringComparison.Ordinal) && !l.StartsWith("Geometry cache size", StringComparison.Ordinal)
                && !l.StartsWith("CGAL", StringComparison.Ordinal))
            .TakeLast(5);
        var text = string.Join(" | ", lines);
        return text.Length == 0 ? "no output." : text;
    }

    public void Dispose() => _slots.Dispose();

    /// <summary>Keeps the end of the renderer's output: a hostile program can print without limit.</summary>
    private sealed class BoundedLog(int maxChars)
    {
        private readonly StringBuilder _text = new();
        private readonly Lock _lock = new();

        public void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_lock)
            {
                _text.Append(line).Append('\n');
                if (_text.Length > maxChars * 2)
                {
                    _text.Remove(0, _text.Length - maxChars);
                }
            }
        }

        public override string ToString()
        {
            lock (_lock)
            {
                return _text.Length > maxChars ? _text.ToString(_text.Length - maxChars, maxChars) : _text.ToString();
            }
        }
    }
}
