using Microsoft.Extensions.Logging.Abstractions;
using Platform.CadGenerator.Rendering;

namespace Platform.CadGenerator.Tests;

/// <summary>The service's own sandboxed renderer, on the real openscad and bwrap binaries (missing ones fail the tests: they exist to prove rendering).</summary>
internal static class Sandbox
{
    public static SandboxedOpenScad Create(int timeoutSeconds = 60, int memoryLimitMb = 2048, int maxConcurrency = 2)
    {
        var bwrap = Environment.GetEnvironmentVariable("BWRAP") ?? "/usr/bin/bwrap";
        if (!File.Exists(bwrap))
        {
            throw new InvalidOperationException(
                $"bubblewrap was not found at {bwrap}. Install it (apt-get install bubblewrap) or set BWRAP: rendering runs only inside its sandbox.");
        }

        return new SandboxedOpenScad(
            new RenderingOptions
            {
                OpenScadPath = OpenScad.Locate(),
                BubblewrapPath = bwrap,
                TimeoutSeconds = timeoutSeconds,
                MemoryLimitMb = memoryLimitMb,
                MaxConcurrency = maxConcurrency,
            },
            NullLogger<SandboxedOpenScad>.Instance);
    }
}
