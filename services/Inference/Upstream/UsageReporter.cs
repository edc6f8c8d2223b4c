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
            string outcome;
            try
            {
                var response = await client.GetResponse<UsageRecorded, InsufficientCredits, LedgerRejected>(usage, stoppingToken);
                outcome = response.Message switch
                {
                    UsageRecorded => "recorded",
                    InsufficientCredits => "insufficient-credits",
                    _ => "rejected",
                };
                if (response.Message is LedgerRejected rejected)
                {
                    _logger.LogError("Billing rejected usage {TransferId} of account {AccountId}: {Reason} {Detail}",
                        usage.TransferId, usage.AccountId, rejected.Reason, rejected.Detail);
                }
                else if (outcome == "insufficient-credits")
                {
                    _logger.LogWarning("Account {AccountId} could not pay usage {TransferId} ({InputTokens} in, {OutputTokens} out, model {Model})",
                        usage.AccountId, usage.TransferId, usage.InputTokens, usage.OutputTokens, usage.Model);
                }
            }
            catch (Exception exception) when (exception is RequestTimeoutException or RequestFaultException)
            {
                outcome = "failed";
                _logger.LogError(exception, "Usage {TransferId} of account {AccountId} could not be reported to Billing", usage.TransferId, usage.AccountId);
            }

            UpstreamTelemetry.UsageReports.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
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
