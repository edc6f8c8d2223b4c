using System.Threading.Channels;
using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Contracts.Billing;

namespace Platform.Inference.Upstream;

/// <summary>
/// Reports chat usage to Billing (<see cref="RecordUsage"/>, kind <c>generation</c>, the model that
/// answered, input and output tokens) after the answer went out, so a slow or absent Billing never
/// delays a completion. The transfer id names the route (<c>chat:{route}:{id}</c>); RecordUsage has no
/// route field. The queue is in memory: reports still queued when the process dies are lost.
/// </summary>
public sealed class UsageReporter : BackgroundService
{
    public const string Kind = "generation";

    private const int MaxAttempts = 3;

    private readonly Channel<RecordUsage> _queue;
    private readonly IClientFactory _clients;
    private readonly ILogger<UsageReporter> _logger;

    public UsageReporter(IOptions<UpstreamOptions> options, IClientFactory clients, ILogger<UsageReporter> logger)
    {
        _queue = Channel.CreateBounded<RecordUsage>(new BoundedChannelOptions(options.Value.UsageQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
        });
        _clients = clients;
        _logger = logger;
    }

    public void Report(Guid accountId, string model, string route, ChatUsage usage, string? runId = null)
    {
        if (usage.PromptTokens + usage.CompletionTokens == 0)
        {
            return;
        }

        var transferId = TransferId(route);
        var message = new RecordUsage(transferId, accountId, Kind, model, runId, usage.PromptTokens, usage.CompletionTokens, 0, 0, 0);
        if (!_queue.Writer.TryWrite(message))
        {
            UpstreamTelemetry.UsageReports.Add(1, new KeyValuePair<string, object?>("outcome", "dropped"));
            _logger.LogError("Usage queue full: dropped {TransferId} for account {AccountId} ({InputTokens} in, {OutputTokens} out, model {Model})",
                transferId, accountId, usage.PromptTokens, usage.CompletionTokens, model);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var client = _clients.CreateRequestClient<RecordUsage>();
        await foreach (var usage in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            var outcome = await SendAsync(client, usage, stoppingToken);
            UpstreamTelemetry.UsageReports.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    /// <summary>
    /// Sends one report, again on a timeout or fault: Billing is idempotent by transfer id, so a report
    /// that did arrive is not charged twice.
    /// </summary>
    private async Task<string> SendAsync(IRequestClient<RecordUsage> client, RecordUsage usage, CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var response = await client.GetResponse<UsageRecorded, InsufficientCredits, LedgerRejected>(usage, stoppingToken);
                switch (response.Message)
                {
                    case UsageRecorded:
                        return "recorded";
                    case InsufficientCredits:
                        _logger.LogWarning("Account {AccountId} could not pay usage {TransferId} ({InputTokens} in, {OutputTokens} out, model {Model})",
                            usage.AccountId, usage.TransferId, usage.InputTokens, usage.OutputTokens, usage.Model);
                        return "insufficient-credits";
                    default:
                        var rejected = (LedgerRejected)response.Message;
                        _logger.LogError("Billing rejected usage {TransferId} of account {AccountId}: {Reason} {Detail}",
                            usage.TransferId, usage.AccountId, rejected.Reason, rejected.Detail);
                        return "rejected";
                }
            }
            catch (Exception exception) when (exception is RequestTimeoutException or RequestFaultException)
            {
                if (attempt >= MaxAttempts)
                {
                    _logger.LogError(exception, "Usage {TransferId} of account {AccountId} could not be reported to Billing after {Attempts} attempts",
                        usage.TransferId, usage.AccountId, attempt);
                    return "failed";
                }

                _logger.LogWarning(exception, "Usage {TransferId} of account {AccountId}: attempt {Attempt} failed; sending again", usage.TransferId, usage.AccountId, attempt);
            }
        }
    }

    private static string TransferId(string route)
    {
        // Billing's transfer ids are 1-128 characters of [A-Za-z0-9._:-].
        var safe = new string([.. route.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-')]);
        safe = safe.Length > 64 ? safe[..64] : safe;
        return $"chat:{safe}:{Guid.NewGuid():N}";
    }
}
