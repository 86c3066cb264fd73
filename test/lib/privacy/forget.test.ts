import { PermanentError } from '../../../lib/errors.js';
import { forgetUsers, isFinished, type ForgetDependencies } from '../../../lib/privacy/forget.js';

/** Fakes that record the calls made, in order. */
function fakes(options: { refuseDeletion?: boolean; refuseProfile?: string } = {}) {
  const calls: string[] = [];
  const dependencies: ForgetDependencies = {
    gdpr: {
      requestDeletion: (ids, type) => {
        calls.push(`deletion ${type} ${ids.join(',')}`);
        return options.refuseDeletion
          ? Promise.reject(new PermanentError('Mixpanel GDPR API answered 401: bad token'))
          : Promise.resolve('task-1');
      },
    },
    profiles: {
      updateProfiles: (updates) => {
        calls.push(`engage ${updates.map((u) => `${u.operation} ${u.distinctId}`).join(',')}`);
        return Promise.resolve(
          updates.map((u) => (u.distinctId === options.refuseProfile ? new Error('refused') : undefined)),
        );
      },
    },
  };
  return { calls, dependencies };
}

describe('forgetUsers', () => {
  it('files the deletion task first, then deletes each profile once', async () => {
    // Arrange
    const { calls, dependencies } = fakes();

    // Act
    const outcome = await forgetUsers(dependencies, ['u_1', 'u_2', 'u_1'], 'GDPR');

    // Assert
    expect(calls).toEqual(['deletion GDPR u_1,u_2', 'engage $delete u_1,$delete u_2']);
    expect(outcome).toEqual({
      distinctIds: ['u_1', 'u_2'],
      complianceType: 'GDPR',
      trackingId: 'task-1',
      profileFailures: [],
    });
  });

  it('deletes no profile when Mixpanel refuses the deletion task', async () => {
    // Arrange
    const { calls, dependencies } = fakes({ refuseDeletion: true });

    // Act
    const forgetting = forgetUsers(dependencies, ['u_1'], 'CCPA');

    // Assert
    await expect(forgetting).rejects.toThrow('401');
    expect(calls).toEqual(['deletion CCPA u_1']);
  });

  it('reports the profiles Mixpanel would not delete, with the task still filed', async () => {
    // Arrange
    const { dependencies } = fakes({ refuseProfile: 'u_2' });

    // Act
    const outcome = await forgetUsers(dependencies, ['u_1', 'u_2'], 'GDPR');

    // Assert
    expect(outcome.trackingId).toBe('task-1');
    expect(outcome.profileFailures).toEqual([{ distinctId: 'u_2', error: 'refused' }]);
  });
});

describe('isFinished', () => {
  it.each([
    ['PENDING', false],
    ['STARTED', false],
    ['SUCCESS', true],
    ['FAILURE', true],
    ['REVOKED', true],
  ])('%s → %s', (status, finished) => {
    // Act & Assert
    expect(
      isFinished({ trackingId: 't', status, complianceType: 'GDPR', distinctIds: [], requestedAt: undefined }),
    ).toBe(finished);
  });
});
