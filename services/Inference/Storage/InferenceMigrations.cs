using Platform.Messaging.Outbox;
using Platform.Storage;

namespace Platform.Inference.Storage;

/// <summary>Inference's schema, in order. Applied at start-up; never edit an applied step, add one.</summary>
public static class InferenceMigrations
{
    public static readonly IReadOnlyList<Migration> All =
    [
        // Usage reports to Billing wait here until the relay published them (Usage/UsageOutbox.cs).
        OutboxTable.Migration(1),
    ];
}
