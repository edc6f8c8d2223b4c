using MassTransit;

namespace Platform.Messaging;

/// <summary>
/// What the modules of one host put on its bus (consumers, sagas, request clients). Each module
/// adds to it in <c>AddX</c>; <see cref="BusRegistration.AddPlatformBus"/> applies them all to one bus,
/// which is how the standalone host runs seven modules on a single in-memory bus.
/// </summary>
public sealed class BusRegistrations
{
    private readonly List<Action<IBusRegistrationConfigurator>> _registrations = [];

    public void Add(Action<IBusRegistrationConfigurator> registration) => _registrations.Add(registration);

    internal void ApplyTo(IBusRegistrationConfigurator configurator)
    {
        foreach (var registration in _registrations)
        {
            registration(configurator);
        }
    }
}
