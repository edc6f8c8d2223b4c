using System.Runtime.InteropServices;
using Platform.Benchmarks.Framework;
using Platform.Benchmarks.Scenarios.Agents;
using Platform.Benchmarks.Scenarios.Billing;
using Platform.Benchmarks.Scenarios.Bus;
using Platform.Benchmarks.Scenarios.Cad;
using Platform.Benchmarks.Scenarios.Safety;
using Platform.Benchmarks.Scenarios.Hnsw;
using Platform.Benchmarks.Scenarios.Embeddings;
using Platform.Benchmarks.Scenarios.Events;
using Platform.Benchmarks.Scenarios.Ingest;

// Usage: dotnet run -c Release --project tests/Platform.Benchmarks -- <scenario> [--out FILE.json] [--quick]
// Exit codes: 0 done, 1 the scenario failed, 2 bad command line, 3 a dependency (RabbitMQ, ...) is missing, 130 cancelled.

var registry = new ScenarioRegistry()
    .Add(new BusScenario())
    .Add(new BillingScenario())
    .Add(new SafetyScenario())
    .Add(new HnswScenario())
    .Add(new EmbeddingsScenario())
    .Add(new CadScenario())
    .Add(new EventsScenario())
    .Add(new IngestScenario())
    .Add(new AgentsScenario());

string? scenarioName = null;
string? outPath = null;
var quick = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--quick":
            quick = true;
            break;
        case "--out" when i + 1 < args.Length:
            outPath = args[++i];
            break;
        case "-h" or "--help":
            PrintUsage(Console.Out);
            return 0;
        case var option when option.StartsWith('-'):
            Console.Error.WriteLine($"Unknown or incomplete option '{option}'.");
            PrintUsage(Console.Error);
            return 2;
        case var name when scenarioName is null:
            scenarioName = name;
            break;
        default:
            Console.Error.WriteLine($"Only one scenario per run ('{scenarioName}' and '{args[i]}' given).");
            return 2;
    }
}

if (scenarioName is null || !registry.TryGet(scenarioName, out var scenario))
{
    if (scenarioName is not null)
    {
        Console.Error.WriteLine($"Unknown scenario '{scenarioName}'.");
    }

    PrintUsage(Console.Error);
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // Let the scenario unwind so it deletes what it created (virtual hosts, databases).
    e.Cancel = true;
    cancellation.Cancel();
};
// The same for `kill` and timeouts (SIGTERM), which would otherwise end the process without cleanup.
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
{
    signal.Cancel = true;
    cancellation.Cancel();
});

try
{
    var result = await scenario.RunAsync(new ScenarioContext(quick, Console.Error, cancellation.Token));
    // The file first: a measured run is not lost to a problem printing the table.
    if (outPath is not null)
    {
        await result.WriteAsync(outPath, CancellationToken.None);
    }

    Console.WriteLine();
    Console.Write(ResultTable.Render(result));
    if (outPath is not null)
    {
        Console.WriteLine();
        Console.WriteLine($"wrote {Path.GetFullPath(outPath)}");
    }

    return 0;
}
catch (DependencyUnavailableException e)
{
    Console.Error.WriteLine($"{scenario.Name}: {e.Message}");
    return 3;
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine($"{scenario.Name}: cancelled.");
    return 130;
}
catch (Exception e)
{
    // A real failure (broker died mid-run, wrong answer): the full exception helps here.
    Console.Error.WriteLine($"{scenario.Name}: failed: {e}");
    return 1;
}

void PrintUsage(TextWriter writer)
{
    writer.WriteLine("usage: dotnet run -c Release --project tests/Platform.Benchmarks -- <scenario> [--out FILE.json] [--quick]");
    writer.WriteLine("scenarios:");
    foreach (var s in registry.All)
    {
        writer.WriteLine($"  {s.Name,-12} {s.Description}");
    }
}
