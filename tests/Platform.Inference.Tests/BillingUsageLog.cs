using System.Collections.Concurrent;
using MassTransit;
using Platform.Contracts.Billing;
using Xunit;

namespace Platform.Inference.Tests;

/// <summary>Stands in for Billing's RecordUsage consumer: keeps the reports and answers UsageRecorded.</summary>
public sealed class BillingUsageLog
{
    public ConcurrentQueue<RecordUsage> Reports { get; } = new();

    /// <summary>Takes the next report, waiting for it (reports are sent after the answer went out).</summary>
    public async Task<RecordUsage> WaitForOneAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Reports.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(Reports.TryDequeue(out var report), "No usage report reached Billing's RecordUsage.");
        return report;
    }

    /// <summary>Waits until <paramref name="count"/> reports arrived (they are sent after the answer went out).</summary>
    public async Task<List<RecordUsage>> WaitForAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Reports.Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(Reports.Count >= count, $"Expected {count} usage reports, got {Reports.Count}.");
        return [.. Reports];
    }

    public sealed class RecordUsageConsumer(BillingUsageLog log) : IConsumer<RecordUsage>
    {
        public async Task Consume(ConsumeContext<RecordUsage> context)
        {
            log.Reports.Enqueue(context.Message);
            await context.RespondAsync(new UsageRecorded(context.Message.TransferId, context.Message.AccountId, 1, true, false));
        }
    }
}
