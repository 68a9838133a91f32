import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AdminContext } from './admin-context';
import { checkAssignment } from './client-routes';
import { authoritiesSchema } from './schemas';
import type { User } from '../users/user';
import type { NewUser, UserChanges, UserDirectory } from '../users/user-directory';
import { createUserSchema, findUserSchema, setPasswordSchema, updateUserSchema, userSchema } from './user-schemas';

type UserParams = { tenant: string; user: string };

/**
 * /admin/tenants/:tenant/users: create, find, read, update, disable, delete, set password, set
 * authorities (`users:manage`). Registered inside the admin plugin, so its token check, authority
 * guard (which also answers 404 for a malformed tenant id) and error handler apply. Passwords are
 * accepted, never returned; audit events name the user by id only.
 */
export function userRoutes(app: FastifyInstance, users: UserDirectory, ctx: Pick<AdminContext, 'guard'>): void {
  const admin = (action: string, targetParam?: string) => ({ admin: { authority: 'users:manage' as const, action, target: 'user' as const, targetParam } });
  const audit = (request: FastifyRequest) => (userId: string) => ctx.guard.event(request, 'success', userId);

  app.post<{ Params: { tenant: string }; Body: NewUser }>('/admin/tenants/:tenant/users', { schema: createUserSchema, config: admin('user.create') }, async (request, reply) => {
    const tenant = request.params.tenant;
    checkAssignment(request, tenant, request.body.authorities ?? []);
    const user = await users.create(tenant, request.body, audit(request));
    request.log.info({ event: 'user.created', tenant, user_id: user.id, with_password: request.body.password !== undefined }, 'user created');
    return reply.code(201).header('cache-control', 'no-store').send(describeUser(user));
  });

  app.get<{ Params: { tenant: string }; Querystring: { username: string } }>('/admin/tenants/:tenant/users', { schema: findUserSchema, config: admin('user.find') }, async (request) => {
    const tenant = request.params.tenant;
    const user = await users.findByUsername(tenant, request.query.username);
    // The username searched for is personal data: the event names the user found, or no one.
    await ctx.guard.record(request, 'success', user?.id ?? null);
    return { users: user ? [describeUser(user)] : [] };
  });

  app.get<{ Params: UserParams }>('/admin/tenants/:tenant/users/:user', { schema: userSchema, config: admin('user.read', 'user') }, async (request, reply) => {
    const tenant = request.params.tenant;
    const user = await users.get(tenant, request.params.user);
    await ctx.guard.record(request, 'success', user.id);
    return reply.header('cache-control', 'no-store').send(describeUser(user));
  });

  app.patch<{ Params: UserParams; Body: UserChanges }>('/admin/tenants/:tenant/users/:user', { schema: updateUserSchema, config: admin('user.update', 'user') }, async (request) => {
    const tenant = request.params.tenant;
    if (request.body.authorities !== undefined) checkAssignment(request, tenant, request.body.authorities);
    const user = await users.update(tenant, request.params.user, request.body, audit(request));
    request.log.info({ event: 'user.updated', tenant, user_id: user.id, fields: Object.keys(request.body) }, 'user updated');
    return describeUser(user);
  });

  app.post<{ Params: UserParams }>('/admin/tenants/:tenant/users/:user/disable', { schema: userSchema, config: admin('user.disable', 'user') }, async (request) => {
    const tenant = request.params.tenant;
    const user = await users.disable(tenant, request.params.user, audit(request));
    request.log.info({ event: 'user.disabled', tenant, user_id: user.id }, 'user disabled');
    return describeUser(user);
  });

  app.put<{ Params: UserParams; Body: { password: string } }>('/admin/tenants/:tenant/users/:user/password', { schema: setPasswordSchema, config: admin('user.password_set', 'user') }, async (request, reply) => {
    const tenant = request.params.tenant;
    await users.setPassword(tenant, request.params.user, request.body.password, audit(request));
    request.log.info({ event: 'user.password_set', tenant, user_id: request.params.user }, 'user password set');
    return reply.code(204).send();
  });

  app.delete<{ Params: UserParams }>('/admin/tenants/:tenant/users/:user', { schema: userSchema, config: admin('user.delete', 'user') }, async (request, reply) => {
    const tenant = request.params.tenant;
    await users.delete(tenant, request.params.user, audit(request));
    request.log.info({ event: 'user.deleted', tenant, user_id: request.params.user }, 'user deleted');
    return reply.code(204).send();
  });

  app.put<{ Params: UserParams; Body: { authorities: string[] } }>(
    '/admin/tenants/:tenant/users/:user/authorities',
    { schema: { ...userSchema, body: authoritiesSchema }, config: admin('user.authorities_update', 'user') },
    async (request) => {
      const tenant = request.params.tenant;
      checkAssignment(request, tenant, request.body.authorities);
      return describeUser(await users.update(tenant, request.params.user, { authorities: request.body.authorities }, audit(request)));
    },
  );
}

/** What the admin API shows of a user: never a password or its hash. */
function describeUser(user: User) {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    name: user.name,
    phone: user.phone,
    status: user.status,
    authorities: user.authorities,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
  };
}
