import * as echarts from 'echarts';
import { LIGHT_THEME } from './vocabulary/charts/chart-options';
import { buildHyperparamOption, hyperparamData, DEFAULT_HYPERPARAM_QUERY } from './vocabulary/charts/hyperparam';
const runs=[{id:1,config:{task:{p_cot:0.1}}},{id:2,config:{task:{p_cot:0.5}}}];
const pts=new Map([[1,{runId:1,key:'k',last:1,lastStep:1,best:1,bestStep:1,ntpLast:0.4,rlLast:0.9,atStep:null}],[2,{runId:2,key:'k',last:1,lastStep:1,best:1,bestStep:1,ntpLast:0.6,rlLast:1,atStep:null}]]);
const data=hyperparamData(runs as never,pts as never,DEFAULT_HYPERPARAM_QUERY);
const c=echarts.init(null,null,{renderer:'svg',ssr:true,width:500,height:300});
c.setOption(buildHyperparamOption({data,query:DEFAULT_HYPERPARAM_QUERY,theme:LIGHT_THEME}));
console.log(c.renderToSVGString().split('><').filter(s=>s.includes('1.25')).join('\n'));
