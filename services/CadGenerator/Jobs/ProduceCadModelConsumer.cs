using System.Diagnostics;
using MassTransit;
using Platform.CadGenerator.Design;
using Platform.CadGenerator.Geometry;
using Platform.CadGenerator.Rendering;
using Platform.CadGenerator.Templates;

namespace Platform.CadGenerator.Jobs;

/// <summary>
/// Produces a job's model: design (the template and parameters given, the LLM's checked proposal, or
/// the prompt parser's reading) ->
/// render in the sandbox -> validate the mesh against the template's promised shape. Each step moves
/// the job's public state and records its timing; the files stay in the job's folder. Always answers
/// <see cref="CadModelProduced"/>, also on failure, so the saga can settle. A redelivered command
/// simply produces the model again (same inputs, same files).
/// </summary>
public sealed class ProduceCadModelConsumer(
    CadJobStore store,
    TemplateLibrary library,
    PromptParser parser,
    SandboxedOpenScad renderer,
    JobFolders folders,
    ILogger<ProduceCadModelConsumer> logger) : IConsumer<ProduceCadModel>
{
    public async Task Consume(ConsumeContext<ProduceCadModel> context)
    {
        var jobId = context.Message.JobId;
        var cancel = context.CancellationToken;
        var job = await store.GetAsync(jobId, cancel);
        if (job is null || job.State is CadJobStates.Done or CadJobStates.Failed)
        {
            logger.LogWarning("CAD job {JobId} is unknown or already finished; nothing produced", jobId);
            return;
        }

        var produced = await ProduceAsync(job, context.Message, cancel);
        if (!produced.Succeeded)
        {
            logger.LogInformation("CAD job {JobId} failed at {Step}: {Reason}", jobId, produced.FailedStep, produced.Reason);
        }

        await context.Publish(produced, cancel);
    }

    private async Task<CadModelProduced> ProduceAsync(CadJob job, ProduceCadModel command, CancellationToken cancel)
    {
        // Design (its timing includes the wait for the LLM, when one was asked).
        await store.SetStateAsync(job.Id, CadJobStates.Designing, cancel);
        var started = command.DesignStartedAt ?? DateTimeOffset.UtcNow;
        var (design, notes, designError) = Design(job, command);
        await store.AddStepAsync(job.Id, new StepTiming(CadJobSteps.Design, started, (long)(DateTimeOffset.UtcNow - started).TotalMilliseconds), cancel);
        if (design is null)
        {
            if (notes.Count > 0)
            {
                await store.SetNotesAsync(job.Id, notes, cancel);
            }

            return Failure(job, CadJobSteps.Design, designError!, 0);
        }

        await store.SetDesignAsync(job.Id, design.TemplateId, design.Parameters, notes, cancel);

        // Render.
        await store.SetStateAsync(job.Id, CadJobStates.Rendering, cancel);
        started = DateTimeOffset.UtcNow;
        var render = await renderer.RenderAsync(design.Scad, folders.For(job.Id), cancel);
        var renderMs = (long)Math.Ceiling(render.RenderTime.TotalMilliseconds);
        await store.AddStepAsync(job.Id, new StepTiming(CadJobSteps.Render, started,
            (long)(render.QueueTime + render.RenderTime).TotalMilliseconds, (long)render.QueueTime.TotalMilliseconds), cancel);
        await store.SetRenderedAsync(job.Id, renderMs, cancel);
        if (!render.Succeeded)
        {
            return Failure(job, CadJobSteps.Render, render.Failure!, renderMs);
        }

        // Validate.
        await store.SetStateAsync(job.Id, CadJobStates.Validating, cancel);
        started = DateTimeOffset.UtcNow;
        var watch = Stopwatch.StartNew();
        MeshReport report;
        try
        {
            report = MeshValidator.Validate(StlReader.Read(render.StlPath), design.Shape);
        }
        catch (InvalidDataException exception)
        {
            return Failure(job, CadJobSteps.Validate, "The renderer's output is not a readable STL: " + exception.Message, renderMs);
        }

        await store.SetValidationAsync(job.Id, report, new FileInfo(render.StlPath).Length, cancel);
        await store.AddStepAsync(job.Id, new StepTiming(CadJobSteps.Validate, started, watch.ElapsedMilliseconds), cancel);
        CadGeneratorTelemetry.MeshesValidated.Add(1, new KeyValuePair<string, object?>("outcome", report.Passed ? "passed" : "failed"),
            new KeyValuePair<string, object?>("template", design.TemplateId));
        if (!report.Passed)
        {
            return Failure(job, CadJobSteps.Validate,
                "The mesh failed its checks: " + string.Join("; ", report.Failures.Select(f => $"{f.Name}: {f.Detail}")), renderMs);
        }

        return new CadModelProduced(job.Id, true, design.TemplateId, report.Triangles, report.Volume, renderMs, null, null);
    }

    private (CadDesign? Design, IReadOnlyList<string> Notes, string? Error) Design(CadJob job, ProduceCadModel command)
    {
        if (job.TemplateId is not null && job.Prompt is null)
        {
            if (library.Find(job.TemplateId) is not { } template)
            {
                return (null, [], $"The template '{job.TemplateId}' no longer exists.");
            }

            var errors = new List<string>();
            var resolved = ParameterResolver.Resolve(template, job.RequestedParameters ?? new Dictionary<string, double>(), "",
                (field, message) => errors.Add($"{field} {message}"));
            return resolved is null
                ? (null, [], "The parameters are not valid: " + string.Join("; ", errors))
                : (FromTemplate(resolved), [], null);
        }

        if (command.Proposal is { } proposal)
        {
            var by = $"Designed by the LLM {proposal.Model} (route {proposal.Route}).";
            var outcome = LlmDesignReader.Read(proposal.Content, library);
            CadGeneratorTelemetry.LlmDesigns.Add(1, new KeyValuePair<string, object?>("outcome", outcome.Design is null ? "refused" : "accepted"));
            if (outcome.Design is null)
            {
                logger.LogWarning("CAD job {JobId}: the LLM {Model}'s design was refused: {Reason}", job.Id, proposal.Model, outcome.Error);
                return (null, [by], outcome.Error + (proposal.FinishReason == "length" ? " (the answer was cut off at the token limit)" : ""));
            }

            return (outcome.Design, [by], null);
        }

        List<string> notes = command.DesignNote is null ? [] : [command.DesignNote];
        var design = parser.Parse(job.Prompt ?? "");
        notes.AddRange(design.Notes);
        if (!design.Succeeded)
        {
            var what = design.Template is null ? "" : $"For a {design.Template.Name}: ";
            return (null, notes, what + string.Join("; ", design.Errors.Select(e => e.Key == "prompt" ? "the prompt " + e.Value : $"{e.Key} {e.Value}")));
        }

        return (FromTemplate(design.Parameters!), notes, null);
    }

    private static CadDesign FromTemplate(ResolvedParameters parameters) =>
        new(parameters.Template.Id, parameters.ToDictionary(), ScadWriter.Write(parameters), parameters.Template.ExpectedShape(parameters));

    private static CadModelProduced Failure(CadJob job, string step, string reason, long renderMs) =>
        new(job.Id, false, job.TemplateId, 0, 0, renderMs, step, reason);
}
