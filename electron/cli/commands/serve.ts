import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserInputError } from '../../../shared/model/errors';
import { createApiService } from '../../services/api-service';
import { appRoot } from '../../services/app-root';
import { startHost } from '../../host/server';
import { isProjectUrl, parsePort, projectName, requireExistingProject } from './util';
import type { CommandSpec } from './types';

export const serveCommand: CommandSpec = {
  usage: 'landgate serve <project.gpkg | postgresql://…?schema=项目名> [--port <n>]',
  summary: '浏览器模式：在 127.0.0.1 上提供与桌面应用相同的界面和接口，并打印网址。',
  options: { port: { type: 'string' } },
  positionals: [1, 1],
  async run([projectPath], values, io) {
    requireExistingProject(projectPath);
    const port = parsePort(values.port);
    const rendererDir = join(appRoot(), 'dist', 'renderer');
    if (!existsSync(join(rendererDir, 'index.html'))) {
      throw new UserInputError('serve.not-built', `界面尚未构建（缺少 ${rendererDir}/index.html），请先运行 npm run build。`, `Renderer not built: run npm run build.`);
    }
    const api = createApiService(projectPath);
    const host = await startHost({ api, rendererDir, port, log: (line) => io.err(`${line}\n`) });
    io.out(`LandGate 浏览器模式已启动：${host.url}\n（网址中的 token 是本次运行的会话令牌：只有用它打开的页面能读写项目，请勿转给他人。）\n项目：${isProjectUrl(projectPath) ? projectName(projectPath) : resolve(projectPath)}\n按 Ctrl+C 退出。\n`);
    await new Promise<void>((resolveStop) => {
      const stop = () => resolveStop();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await host.close();
    api.close();
  },
};
