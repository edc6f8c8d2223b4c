namespace Platform.CadGenerator.Jobs;

/// <summary>How CAD jobs are run and paid for (section <c>CadGenerator:Jobs</c>).</summary>
public sealed class CadJobOptions
{
    public const string SectionName = "CadGenerator:Jobs";

    /// <summary>Held from the account before any work starts; the render's actual price (Billing's cadRenderPerSecond) is captured from it, at most this much.</summary>
    public long ReserveMicroCredits { get; set; } = 1_000_000;

    /// <summary>How long Billing keeps the reservation if the job never settles (a crash): it then expires by itself.</summary>
    public int ReservationTimeoutSeconds { get; set; } = 900;

    /// <summary>
    /// Whether prompts are checked by SafetyGuard (CheckPrompt over the bus) before anything is
    /// reserved. Turn off only where no SafetyGuard runs: a prompt job would otherwise wait for its deadline.
    /// </summary>
    public bool GuardPrompts { get; set; } = true;

    /// <summary>A job that has not settled after this long fails (step <c>timeout</c>) and releases its reservation.</summary>
    public int JobTimeoutSeconds { get; set; } = 600;
}
