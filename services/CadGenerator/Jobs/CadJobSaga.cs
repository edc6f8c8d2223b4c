using MassTransit;
using Platform.Contracts.CadGenerator;

namespace Platform.CadGenerator.Jobs;

/// <summary>The durable state of one job's CadJobSaga (table saga_cad_job_saga); the job's public view is in cad_jobs.</summary>
public sealed class CadJobSaga : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }

    public int Version { get; set; }

    public string CurrentState { get; set; } = "";

    public Guid AccountId { get; set; }

    public DateTimeOffset SubmittedAt { get; set; }

    /// <summary>The prompt of a prompt job (null for template jobs), kept to ask the LLM for a design.</summary>
    public string? Prompt { get; set; }

    /// <summary>When the step in progress (reserve, settle) started, for its timing.</summary>
    public DateTimeOffset StepStartedAt { get; set; }

    /// <summary>Set when a caller's reservation pays for the job (Agents' cad.generate): metered against it, never reserved, captured or released here.</summary>
    public CadJobFunding? Funding { get; set; }

    public string? ReservationId { get; set; }

    public long Reserved { get; set; }

    public string? TemplateId { get; set; }

    public int Triangles { get; set; }

    public double Volume { get; set; }

    public long RenderMilliseconds { get; set; }

    public long Charge { get; set; }

    public string? FailedStep { get; set; }

    public string? FailureReason { get; set; }

    public Guid? DeadlineToken { get; set; }

    /// <summary>When the LLM was asked for a design (the design step's start).</summary>
    public DateTimeOffset? DesignStartedAt { get; set; }

    public Guid? DesignDeadlineToken { get; set; }

    /// <summary>The model that designed the job and its token counts, metered with the render.</summary>
    public string? DesignModel { get; set; }

    public long DesignInputTokens { get; set; }

    public long DesignOutputTokens { get; set; }
}
